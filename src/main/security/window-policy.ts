/**
 * The security decisions for app windows, as plain functions of plain values,
 * so they can be unit-tested without Electron. src/main/index.ts only wires
 * them to Electron's events (Electron security checklist items 2–4, 5, 6,
 * 13, 14, 15).
 */
import type { WebPreferences } from 'electron';

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
  };
}

/** A permission request or check as Electron reports it, reduced to plain values. */
export interface PermissionQuery {
  /** Electron's permission name, e.g. `media`, `display-capture`, `notifications`. */
  readonly permission: string;
  /** URL of the frame that asks (may be empty when Electron does not know it). */
  readonly requestingUrl: string;
}

/**
 * Whether to grant a permission. For now: nothing, to anyone.
 * A later change grants `media` and `display-capture` only to the app's own
 * origin (never to remote content) when the call engine needs them.
 */
export function decidePermission(query: PermissionQuery): boolean {
  void query;
  return false;
}

/**
 * Whether an app window may navigate to `targetUrl` (the `will-navigate` and
 * `will-redirect` events). The renderer is a single page that never navigates,
 * so every navigation is refused: a link or a script can never replace the app
 * with remote content.
 */
export function mayNavigate(targetUrl: string): boolean {
  void targetUrl;
  return false;
}

/**
 * The answer to `window.open` / `target=_blank` (setWindowOpenHandler): never
 * open a new Electron window. (Opening vetted links in the system browser is a
 * later change.)
 */
export function windowOpenDecision(targetUrl: string): { action: 'deny' } {
  void targetUrl;
  return { action: 'deny' };
}
