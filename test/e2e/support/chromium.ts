/**
 * How the end-to-end tests and the `call` benchmark launch Chromium: Debian's
 * build (Playwright's own download is not reachable here) with a fake camera
 * and microphone, and WebRTC allowed to use loopback — the only network the
 * tests have (they run in a private network namespace, see scripts/e2e.sh).
 */
export const CHROMIUM_PATH = process.env.MERIMEET_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  // Camera and microphone: granted without a prompt, served by Chromium's test pattern and beep.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Without it, a loopback-only machine gathers no usable ICE candidate and calls never connect.
  '--allow-loopback-in-peer-connection',
  // Remote audio must play (and feed the AudioContext that measures it) without a user gesture.
  '--autoplay-policy=no-user-gesture-required',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Pages in background contexts must not be throttled: every person is "in the foreground".
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];
