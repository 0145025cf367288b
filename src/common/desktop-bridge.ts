/**
 * The contract between the preload and the renderer: the name under which the
 * preload exposes its API on `window`, and that API's shape. Environment-free.
 *
 * Deliberately tiny; the renderer's platform interface (desktop vs. web) is
 * built on top of this by a later change.
 */

/** `window[DESKTOP_BRIDGE_KEY]` holds the bridge inside the desktop app only. */
export const DESKTOP_BRIDGE_KEY = 'merimeet';

/** What the preload exposes. Every member is a plain value or a narrow function; never ipcRenderer. */
export interface DesktopBridge {
  /** The desktop app's version. */
  readonly version: string;
}
