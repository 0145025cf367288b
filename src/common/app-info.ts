/**
 * Facts about the product that every part (main, preload, renderer, build
 * scripts' configs) agrees on. Environment-free: no Node, DOM or Electron.
 */

/** The name people see. */
export const PRODUCT_NAME = 'meriMeet';

/** Deep-link scheme the desktop app registers (`merimeet://…`). */
export const PROTOCOL_SCHEME = 'merimeet';

/** Stable application id (electron-builder `appId`, Windows AppUserModelID). */
export const APP_ID = 'app.merimeet.desktop';

// Replaced with package.json's version by scripts/build-desktop.mjs (esbuild
// `define`). Unbundled (unit tests) the identifier does not exist, hence typeof.
declare const __MERIMEET_VERSION__: string | undefined;

/** The app's version, or `0.0.0-dev` when running unbundled. */
export const APP_VERSION: string =
  typeof __MERIMEET_VERSION__ === 'string' ? __MERIMEET_VERSION__ : '0.0.0-dev';
