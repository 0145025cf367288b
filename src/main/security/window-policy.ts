/**
 * The security decisions for app windows, as plain functions of plain values,
 * so they can be unit-tested without Electron. src/main/index.ts only wires
 * them to Electron's events (Electron security checklist: 2 no Node in remote
 * content, 3 context isolation, 4 sandbox, 5 permission handler, 6 webSecurity,
 * 7 CSP, 13 navigation, 14 new windows, 15 openExternal).
 */
import type { WebPreferences } from 'electron';
import { windowRoleOfUrl } from '../../common/ipc-contract.js';

/** The app's own content is served from this scheme and host (app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'merimeet';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * webPreferences for every app window. Each value is the secure one, stated
 * explicitly even where it is Electron's default, so a change shows in review
 * and fails the unit test.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // Middle-click would otherwise ask for a new window (denied anyway by setWindowOpenHandler).
    disableBlinkFeatures: 'Auxclick',
    // A call goes on while the window is hidden in the tray: keep its timers at full rate.
    backgroundThrottling: false,
  };
}

/** Whether `url` is a page of the app itself (scheme and host exactly). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** A permission request or check as Electron reports it, reduced to plain values. */
export interface PermissionQuery {
  /** Electron's permission name, e.g. `media`, `display-capture`, `notifications`. */
  readonly permission: string;
  /** URL of the frame that asks (may be empty when Electron does not know it). */
  readonly requestingUrl: string;
  /** For `media`: what is asked for (`audio`, `video`); anything else is refused. */
  readonly mediaTypes?: readonly string[];
  /** Whether the request comes from the top-level frame (subframes get nothing). */
  readonly isMainFrame?: boolean;
}

/**
 * The only permissions the app ever grants: camera/microphone, screen capture,
 * and Chromium's Local Network Access (the page talks to signaling servers on
 * the LAN or on this computer, "host on this computer" included; without it
 * Chromium blocks those WebSockets with ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
 */
export const GRANTABLE_PERMISSIONS: ReadonlySet<string> = new Set([
  'media',
  'display-capture',
  'local-network-access',
  'local-network',
  'loopback-network',
]);

/**
 * Whether to grant a permission: the ones above, to the app's own top-level
 * page only. Everything else (notifications go through main, not the page),
 * and everything to anyone else, is denied.
 */
export function decidePermission(query: PermissionQuery): boolean {
  if (!GRANTABLE_PERMISSIONS.has(query.permission)) return false;
  if (!isAppUrl(query.requestingUrl)) return false;
  if (query.isMainFrame === false) return false;
  // The quick-join window never needs a camera, a microphone or the screen.
  if (windowRoleOfUrl(query.requestingUrl) !== 'main') return false;
  if (query.permission === 'media' && query.mediaTypes !== undefined) {
    return query.mediaTypes.every((type) => type === 'audio' || type === 'video');
  }
  return true;
}

/**
 * Whether an app window may navigate to `targetUrl` (the `will-navigate`,
 * `will-frame-navigate` and `will-redirect` events). The renderer is a single
 * page that never navigates (routes are in the fragment, which fires no
 * navigation event), so every navigation is refused: a link or a script can
 * never replace the app with remote content.
 */
export function mayNavigate(targetUrl: string): boolean {
  void targetUrl;
  return false;
}

/** Longest link handed to the system browser. */
const MAX_EXTERNAL_URL = 2048;

/**
 * The URL to open in the system browser for a link the page asked to open,
 * or null to open nothing. Only plain http(s) links with a real host and no
 * embedded credentials; never file:, javascript:, custom schemes (which could
 * start other programs), or control characters.
 */
export function externalLinkTarget(targetUrl: string): string | null {
  if (targetUrl.length > MAX_EXTERNAL_URL) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f]/.test(targetUrl)) return null;
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '') return null;
  if (url.hostname === '' || !/^[a-z0-9.\-[\]:]+$/.test(url.hostname)) return null;
  return url.href;
}

/**
 * The answer to `window.open` / `target=_blank` (setWindowOpenHandler): never
 * an Electron window. `openExternally` is the vetted link for the system
 * browser, if any.
 */
export function windowOpenDecision(targetUrl: string): { action: 'deny'; openExternally: string | null } {
  return { action: 'deny', openExternally: externalLinkTarget(targetUrl) };
}
