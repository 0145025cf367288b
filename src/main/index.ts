/**
 * Electron main process: thin glue only. Every decision lives in a plain,
 * unit-tested module; this file hands them Electron's objects and events.
 *
 *   security/window-policy.ts   webPreferences, permissions, navigation, links
 *   security/app-protocol.ts    app://merimeet/ (the renderer's files) with CSP
 *   security/cert-pinning.ts    SSH-like pinning of self-signed servers
 *   ipc/router.ts + handlers.ts the IPC contract, checked on every call
 *   keychain.ts, settings.ts    OS keychain (keytar), settings (electron-store)
 *   display-picker.ts           window/screen picker for getDisplayMedia
 *   tray-menu.ts, deep-link.ts  tray menu and icons, merimeet:// links
 *   quick-join.ts               the tray's quick-join window (quick-join-window.ts: its BrowserWindow)
 *   settings-handlers.ts        the settings screen; global-shortcut.ts the mute shortcut
 *   updates.ts                  updates the person controls (electron-updater)
 *   local-host.ts               "host on this computer"
 */
import path from 'node:path';
import {
  app,
  BrowserWindow,
  desktopCapturer,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  session,
  shell,
  Tray,
  utilityProcess,
  type NativeImage,
  type Session,
  type WebContents,
} from 'electron';
import electronUpdater from 'electron-updater';
import * as v from 'valibot';
import { APP_ID, APP_VERSION, PRODUCT_NAME, PROTOCOL_SCHEME } from '../common/app-info.js';
import { eventChannels, type CallState, type EventChannel, type EventOf, type JoinLink, type TrayAction } from '../common/ipc-contract.js';
import { deepLinkFromArgv, parseDeepLink } from './deep-link.js';
import { createDisplayPicker } from './display-picker.js';
import { createMainHandlers } from './handlers.js';
import { createIpcRouter, IpcError } from './ipc/router.js';
import { createKeychain, loadKeytar } from './keychain.js';
import { createLocalHost } from './local-host.js';
import { QUICK_JOIN_SHORTCUT, createQuickJoinWindow } from './quick-join-window.js';
import { handleAppRequest } from './security/app-protocol.js';
import { createCertificateGate } from './security/cert-pinning.js';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  decidePermission,
  mayNavigate,
  secureWebPreferences,
  windowOpenDecision,
} from './security/window-policy.js';
import { openSettings } from './settings.js';
import { applyPreferences } from './settings-handlers.js';
import { createSettingsEffects, withDesktopSideEffects } from './desktop-effects.js';
import { toElectronTemplate, trayIconFile, trayIconState, trayMenuModel, trayTooltip, type TrayCommand } from './tray-menu.js';

// Paths inside the app (the repository in development, app.asar when packaged).
const rendererRoot = path.join(app.getAppPath(), 'dist', 'desktop', 'renderer');
const preloadScript = path.join(app.getAppPath(), 'dist', 'desktop', 'preload', 'index.cjs');
const trayIconDir = path.join(app.getAppPath(), 'build', 'tray');

// The app's own scheme: standard (real origin, relative URLs) and secure (a
// secure context: getUserMedia, WebCrypto). Must happen before `ready`.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

let mainWindow: BrowserWindow | undefined;
let tray: Tray | undefined;
let quitting = false;
/** Whether closing the window should hide it in the tray instead (set once settings are open). */
let keepInTrayOnClose: () => boolean = () => false;
let callState: CallState = { inCall: false, muted: false, cameraOff: false, sharing: false, meetingId: null };
/** Deep links and quick-join actions that arrived before the window could take them. */
const queuedLinks: JoinLink[] = [];
const queuedActions: TrayAction[] = [];
const quickJoinWindow = createQuickJoinWindow(preloadScript);
let windowReady = false;

/** Sends a contract event to the window, validated against the contract first. */
function sendEvent<C extends EventChannel>(channel: C, payload: EventOf<C>): void {
  if (!v.is(eventChannels[channel], payload)) return;
  mainWindow?.webContents.send(channel, payload);
}

/** Applies the navigation and new-window policy to any web contents, including future ones. */
function guardWebContents(contents: WebContents): void {
  const refuseNavigation = (event: { preventDefault(): void }, url: string): void => {
    if (!mayNavigate(url)) event.preventDefault();
  };
  contents.on('will-navigate', refuseNavigation);
  contents.on('will-frame-navigate', (event) => refuseNavigation(event, event.url));
  contents.on('will-redirect', refuseNavigation);
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally !== null) void shell.openExternal(decision.openExternally);
    return { action: 'deny' };
  });
  // No <webview>: webviewTag is off, and an attach attempt is refused anyway.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function showWindow(): void {
  if (mainWindow === undefined) {
    mainWindow = createMainWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function deliverLink(link: JoinLink): void {
  if (!windowReady) {
    queuedLinks.push(link); // sent once the window has loaded
    if (app.isReady() && mainWindow === undefined) mainWindow = createMainWindow();
    return;
  }
  showWindow();
  sendEvent('deep-link', link);
}

/** An action for the main window (from the quick-join window), kept until the window has loaded. */
function deliverAction(action: TrayAction): void {
  if (!windowReady) {
    queuedActions.push(action);
    if (app.isReady() && mainWindow === undefined) mainWindow = createMainWindow();
    return;
  }
  showWindow();
  sendEvent('tray:action', action);
}

function handleDeepLinkText(text: string): void {
  const parsed = parseDeepLink(text);
  if (parsed.ok) deliverLink(parsed.link);
  else process.stderr.write(`meriMeet: ignored an invite link (${parsed.reason})\n`);
}

function createMainWindow(): BrowserWindow {
  windowReady = false;
  const window = new BrowserWindow({
    title: PRODUCT_NAME,
    width: 1200,
    height: 800,
    show: false,
    webPreferences: secureWebPreferences(preloadScript),
  });
  window.once('ready-to-show', () => window.show());
  // Closing the window during a call (or with "close to tray") keeps the app, and the call, in the tray.
  window.on('close', (event) => {
    if (quitting || !keepInTrayOnClose()) return;
    event.preventDefault();
    window.hide();
  });
  window.webContents.on('did-finish-load', () => {
    windowReady = true;
    for (const link of queuedLinks.splice(0)) sendEvent('deep-link', link);
    for (const action of queuedActions.splice(0)) sendEvent('tray:action', action);
  });
  window.on('closed', () => {
    mainWindow = undefined;
    windowReady = false;
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** Serves app://merimeet/, and grants camera, microphone and screen capture to the app's own page only; nothing else, to no one. */
function serveAppAndGuardPermissions(ses: Session): void {
  ses.protocol.handle(APP_SCHEME, (request) => handleAppRequest(rendererRoot, request));
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    callback(
      decidePermission({
        permission,
        requestingUrl: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        ...(mediaTypes !== undefined ? { mediaTypes } : {}),
      }),
    );
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    decidePermission({ permission, requestingUrl: details.requestingUrl ?? requestingOrigin, isMainFrame: details.isMainFrame }),
  );
}

/** getDisplayMedia answered by our own window/screen picker (display-picker.ts). */
function attachDisplayPicker(ses: Session): ReturnType<typeof createDisplayPicker> {
  const picker = createDisplayPicker({
    getSources: (options) => desktopCapturer.getSources(options),
    show: (payload) => {
      showWindow();
      sendEvent('picker:show', payload);
    },
    platform: process.platform,
  });
  ses.setDisplayMediaRequestHandler((request, callback) => {
    void picker.handleRequest({ frame: request.frame === null ? null : { url: request.frame.url } }, (grant) => callback(grant));
  });
  return picker;
}

/** Starting a server that listens on the LAN is the person's decision, asked by main itself. Throws unless confirmed. */
async function confirmHosting(): Promise<void> {
  const options = {
    type: 'question' as const,
    buttons: ['Host on this computer', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Host meetings on this computer?',
    detail: 'meriMeet will run its signaling server here, reachable from your local network on port 8443, until you quit.',
  };
  const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
  if (response !== 0) throw new IpcError('failed', 'hosting was not confirmed');
}

function openTray(refreshTray: () => void, image: NativeImage, openQuickJoin: () => void): void {
  try {
    tray = new Tray(image);
    tray.on('click', showWindow);
    refreshTray();
    // The Electron smoke test checks the tray and opens quick join; only main-process code can read these.
    if (process.env.MERIMEET_TEST_HOOKS === '1') Object.assign(globalThis, { __merimeetTray: tray, __merimeetQuickJoin: openQuickJoin });
  } catch {
    tray = undefined; // some Linux desktops have no tray; closing the window then quits
  }
}

/** The signaling server bundled with the app, run on request in a utility process ("Host on this computer"). */
function createBundledServer(certificates: Parameters<typeof createLocalHost>[0]['certificates'], settings: Parameters<typeof createLocalHost>[0]['settings']) {
  return createLocalHost({
    fork: (args) =>
      utilityProcess.fork(path.join(app.getAppPath(), 'node_modules', '@merimeet', 'signaling', 'dist', 'cli.js'), args, {
        serviceName: `${PRODUCT_NAME} signaling`,
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    dataDir: path.join(app.getPath('userData'), 'local-server'),
    certificates,
    settings,
  });
}

// One instance per user: a second launch (e.g. from a merimeet:// link) hands
// its command line over to the first and quits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAppUserModelId(APP_ID);
  app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);
  // Sandbox every renderer, whatever a window's own preferences say.
  app.enableSandbox();

  app.on('second-instance', (_event, argv) => {
    const link = deepLinkFromArgv(argv);
    if (link?.ok === true) deliverLink(link.link);
    else showWindow();
  });
  // macOS delivers links as an event, also before `ready`.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleDeepLinkText(url);
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', () => globalShortcut.unregisterAll());
  app.on('window-all-closed', () => {
    // Reached only when the window really closed (not hidden to the tray): quit, except on macOS.
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(async () => {
    const ses = session.defaultSession;
    serveAppAndGuardPermissions(ses);

    const settings = openSettings({
      cwd: app.getPath('userData'),
      appVersion: app.getVersion(),
      onReset: ({ movedTo, reason }) => process.stderr.write(`meriMeet: settings were unreadable (${reason}); kept as ${movedTo}\n`),
    });
    const { keytar, loadError } = await loadKeytar();
    const keychain = createKeychain(keytar, loadError === undefined ? {} : { loadError });

    const certificates = createCertificateGate(settings, (event) => {
      if (event.kind === 'first-contact') sendEvent('certificate:first-contact', { host: event.host, fingerprint: event.fingerprint });
      else sendEvent('certificate:changed', { host: event.host, expected: event.expected, presented: event.presented });
    });
    ses.setCertificateVerifyProc((request, callback) => callback(certificates.verify(request)));

    const picker = attachDisplayPicker(ses);

    const host = createBundledServer(certificates, settings);

    const trayImage = () => nativeImage.createFromPath(path.join(trayIconDir, trayIconFile(process.platform, trayIconState(callState))));
    const effects = createSettingsEffects({
      packaged: app.isPackaged,
      updater: electronUpdater.autoUpdater,
      autoUpdate: settings.get().preferences.autoUpdate,
      setLoginItem: (openAtLogin) => app.setLoginItemSettings({ openAtLogin }),
      globalShortcut,
      sendEvent,
    });
    const { updates } = effects;

    const refreshTray = () => {
      if (tray === undefined) return;
      const state = { call: callState, recentMeetings: settings.get().recentMeetings };
      tray.setToolTip(trayTooltip(state));
      tray.setImage(trayImage());
      tray.setContextMenu(Menu.buildFromTemplate(toElectronTemplate(trayMenuModel(state), runTrayCommand)));
    };

    const main = createMainHandlers({
      version: APP_VERSION,
      keychain,
      settings,
      certificates,
      picker,
      windowState: () => ({ visible: mainWindow?.isVisible() ?? false, focused: mainWindow?.isFocused() ?? false }),
      showNotification: (title, body) => {
        if (!Notification.isSupported()) return;
        const notification = new Notification({ title, body, silent: false });
        notification.on('click', showWindow);
        notification.show();
      },
      openExternal: (url) => void shell.openExternal(url),
      onCallState: (state) => {
        callState = state;
        refreshTray();
      },
      effects,
      quickJoin: { deliver: deliverAction, close: () => quickJoinWindow.close() },
      // Starting a server that listens on the LAN is the person's decision, asked by main itself
      // (confirmHosting): a page (even a compromised one) can only request it.
      host: {
        start: async () => {
          await confirmHosting();
          return host.start();
        },
        stop: () => host.stop(),
      },
    });
    createIpcRouter({
      handlers: withDesktopSideEffects(main.handlers, refreshTray),
      appOrigin: APP_ORIGIN,
      log: ({ channel, code, detail }) => process.stderr.write(`meriMeet IPC refused ${channel}: ${code} (${detail})\n`),
    }).register(ipcMain);

    function runTrayCommand(command: TrayCommand): void {
      if (command.kind === 'quit') {
        app.quit();
        return;
      }
      if (command.kind === 'join-meeting') {
        quickJoinWindow.open(tray);
        return;
      }
      showWindowForCommand(command);
      if (command.kind === 'show') return;
      void main.trayAction(command).then((action) => sendEvent('tray:action', action));
    }
    function showWindowForCommand(command: TrayCommand): void {
      // Call controls work from the tray without bringing the window up.
      if (['toggle-mic', 'toggle-camera', 'stop-sharing', 'leave'].includes(command.kind)) return;
      showWindow();
    }

    keepInTrayOnClose = () => tray !== undefined && (callState.inCall || settings.get().preferences.closeToTray);
    mainWindow ??= createMainWindow();

    openTray(refreshTray, trayImage(), () => quickJoinWindow.open(tray));

    const shortcutProblem = applyPreferences(settings.get().preferences, effects);
    if (shortcutProblem !== null) process.stderr.write(`meriMeet: the mute shortcut is not active (${shortcutProblem})\n`);
    if (!globalShortcut.register(QUICK_JOIN_SHORTCUT, () => quickJoinWindow.open(tray))) {
      process.stderr.write(`meriMeet: ${QUICK_JOIN_SHORTCUT} is used by another application; open quick join from the tray\n`);
    }
    void updates?.check();

    // A first launch from an invite link carries it on the command line (Windows, Linux).
    const launchLink = deepLinkFromArgv(process.argv);
    if (launchLink?.ok === true) deliverLink(launchLink.link);

    app.on('activate', () => showWindow());
    app.on('will-quit', () => {
      void host.stop();
      updates?.dispose();
    });
  });
}
