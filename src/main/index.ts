/**
 * Electron main process: thin glue only. Every decision lives in a plain,
 * unit-tested module (security/window-policy.ts); this file wires it to
 * Electron's events.
 */
import path from 'node:path';
import { app, BrowserWindow, session, type WebContents } from 'electron';
import { APP_ID, PRODUCT_NAME } from '../common/app-info.js';
import {
  decidePermission,
  mayNavigate,
  secureWebPreferences,
  windowOpenDecision,
} from './security/window-policy.js';

// Paths inside the app (the repository in development, app.asar when packaged).
const rendererIndex = path.join(app.getAppPath(), 'dist', 'desktop', 'renderer', 'index.html');
const preloadScript = path.join(app.getAppPath(), 'dist', 'desktop', 'preload', 'index.cjs');

let mainWindow: BrowserWindow | undefined;

/** Applies the navigation and new-window policy to any web contents, including future ones. */
function guardWebContents(contents: WebContents): void {
  const refuseNavigation = (event: { preventDefault(): void }, url: string): void => {
    if (!mayNavigate(url)) event.preventDefault();
  };
  contents.on('will-navigate', refuseNavigation);
  contents.on('will-redirect', refuseNavigation);
  contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
  // No <webview>: webviewTag is off, and an attach attempt is refused anyway.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    title: PRODUCT_NAME,
    width: 1200,
    height: 800,
    show: false,
    webPreferences: secureWebPreferences(preloadScript),
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = undefined;
  });
  void window.loadFile(rendererIndex);
  return window;
}

function focusMainWindow(): void {
  if (mainWindow === undefined) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

// One instance per user: a second launch (e.g. from a merimeet:// link) hands
// over to the first and quits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAppUserModelId(APP_ID);
  // Sandbox every renderer, whatever a window's own preferences say.
  app.enableSandbox();

  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(() => {
    // Deny every permission request and check for now. A later change grants
    // media and display capture only to the app's own origin.
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
      callback(decidePermission({ permission, requestingUrl: details.requestingUrl }));
    });
    session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
      decidePermission({ permission, requestingUrl: requestingOrigin }),
    );

    mainWindow = createMainWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
    });
  });
}
