/**
 * The platform in a plain browser.
 *
 * Session tokens go to sessionStorage: a browser has no keychain, so anything
 * kept is readable by whoever has this browser profile. sessionStorage (not
 * localStorage) keeps the token only as long as the tab: close the tab and
 * the session is gone from the disk's point of view, which is the closest a
 * web page gets to "not written anywhere". The desktop app keeps it in the OS
 * keychain instead.
 */
import type { Platform } from './platform.js';
import { reportFailure } from '../engine/failures.js';

const TOKEN_PREFIX = 'merimeet.session:';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled (privacy settings, sandboxed frame)
  }
}

export function defaultServerUrl(loc: Pick<Location, 'host' | 'protocol'> = location): string {
  // The web client is served by the signaling server itself, so it talks to its own origin.
  return `${loc.protocol === 'http:' ? 'ws' : 'wss'}://${loc.host}/ws`;
}

export function createWebPlatform(): Platform {
  return {
    kind: 'web',
    serverUrl: () => defaultServerUrl(),
    getSessionToken: async (server) => storage()?.getItem(TOKEN_PREFIX + server) ?? null,
    setSessionToken: async (server, token) => {
      storage()?.setItem(TOKEN_PREFIX + server, token);
    },
    clearSessionToken: async (server) => {
      storage()?.removeItem(TOKEN_PREFIX + server);
    },
    getDisplayMedia: (options) => navigator.mediaDevices.getDisplayMedia(options),
    notify: (title, body) => {
      // Only while the person is looking elsewhere, and only if they allowed notifications.
      if (document.visibilityState === 'visible' && document.hasFocus()) return;
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      try {
        new Notification(title, { body });
      } catch (err) {
        // Some browsers only allow notifications from a service worker; not worth failing for.
        reportFailure('showing a notification', err);
      }
    },
  };
}
