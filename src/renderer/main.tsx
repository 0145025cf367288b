/**
 * Renderer entry: runs in Chromium, either in the desktop window or in any
 * browser as the web client. Never assumes Electron: desktop abilities come
 * through the platform interface (platform/), which falls back to the web.
 */
import { render } from 'preact';
import { detectPlatform } from './platform/index.js';
import { isQuickJoinWindow, quickJoinPort } from './platform/quick-join-port.js';
import { QuickJoinApp } from './quick-join/quick-join-app.js';
import { App } from './ui/app.js';
import { UpdateBanner } from './ui/update-banner.js';
import { readFragment } from './ui/invite.js';
import { meetingKeysFor } from './ui/prejoin/key-derivation.js';
import './ui/styles.css';

// An invite link: start the slow key derivation now, before anything renders (pre-join adopts it).
const invite = readFragment(location.hash);
if (invite.meetingId !== undefined && invite.password !== undefined) {
  meetingKeysFor(invite.password, invite.meetingId).catch((err: unknown) => console.warn('meriMeet: early key derivation failed', err));
}

const root = document.getElementById('app');
if (root === null) {
  throw new Error('index.html has no #app element');
}
const quickJoin = isQuickJoinWindow() ? quickJoinPort() : null;
if (quickJoin !== null) {
  // The tray's quick-join window: the same files, its own small screen.
  render(<QuickJoinApp port={quickJoin} />, root);
} else void detectPlatform().then(
  (platform) =>
    render(
      <>
        <UpdateBanner platform={platform} />
        <App platform={platform} />
      </>,
      root,
    ),
  (err: unknown) => {
    root.textContent = `meriMeet could not start: ${err instanceof Error ? err.message : String(err)}`;
  },
);
