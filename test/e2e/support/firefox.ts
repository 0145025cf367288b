/**
 * How the mixed-browser end-to-end specs launch Firefox: Debian's ESR build
 * (`/usr/bin/firefox-esr`, or `$MERIMEET_FIREFOX`), headless, driven by
 * puppeteer-core over WebDriver BiDi (Playwright can drive only its own
 * patched Firefox, which cannot be downloaded here). Fake camera and
 * microphone, no permission prompts, and ICE allowed on loopback, the only
 * network the tests have; scripts/e2e.sh adds the default route Firefox needs
 * before it gathers any candidate (it points back into `lo`).
 */
import puppeteer, { type Browser } from 'puppeteer-core';

export const FIREFOX_PATH = process.env.MERIMEET_FIREFOX ?? '/usr/bin/firefox-esr';

export const FIREFOX_PREFS: Record<string, unknown> = {
  // Camera and microphone: Firefox's fake streams (a colour pattern and a tone), granted without a prompt.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Loopback candidates, with their real addresses (not mDNS names nobody here can resolve).
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // Remote audio plays, and feeds the AudioContext that measures it, without a user gesture.
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'media.autoplay.block-webaudio': false,
  // No "Pop out this video" (picture-in-picture) toggle over every video.
  'media.videocontrols.picture-in-picture.video-toggle.enabled': false,
  // getDisplayMedia answers with the whole (virtual) screen, without a picker.
  'media.getdisplaymedia.screencapture.prompt': false,
  // Every person is "in the foreground": no throttled timers in background tabs.
  'dom.min_background_timeout_value': 0,
  'dom.timeout.enable_budget_timer_throttling': false,
};

export async function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    // The server's certificate is self-signed, made for this run.
    acceptInsecureCerts: true,
    extraPrefsFirefox: FIREFOX_PREFS,
    defaultViewport: { width: 1024, height: 700 },
  });
}
