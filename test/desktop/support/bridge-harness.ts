/**
 * The desktop app without Electron: the REAL renderer (dist/web, the same
 * files as dist/desktop/renderer) in Debian's Chromium, with the REAL preload
 * bridge (src/preload/bridge.ts) wired to the REAL main-process handlers
 * (router, keychain on gnome-keyring, electron-store settings, certificate
 * gate, picker) through a Playwright binding instead of Electron's IPC.
 *
 * What stands in for Electron, and only that:
 *   - app://merimeet/ is served by the real protocol handler
 *     (src/main/security/app-protocol.ts, CSP included) under
 *     https://merimeet.test/ (Playwright cannot route a custom scheme);
 *     `toAppUrl` maps one onto the other wherever main looks at a frame's URL,
 *     as Electron would report it;
 *   - ipcRenderer.invoke → a binding → router.dispatch with the calling
 *     frame's URL and parent; webContents.send → `__merimeetEmit` in the page;
 *   - desktopCapturer → fixed sources (the picker flow is what is tested);
 *   - globalShortcut → a map of registered accelerators (others "held" by
 *     other applications can be listed); app.setLoginItemSettings → a record;
 *   - electron-updater's autoUpdater → an event emitter the test drives;
 *   - the quick-join BrowserWindow → a second page of the same context at
 *     the quick-join URL (so the router sees the window's real role).
 * Not reproduced: contextIsolation (the bridge object lives in the page's own
 * world here) and the sandbox; those are Electron's and covered by the
 * _electron smoke test where a binary exists.
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import * as esbuild from 'esbuild';
import type { EventChannel, EventOf } from '../../../src/common/ipc-contract.js';
import type { CapturerSource } from '../../../src/main/display-picker.js';
import type { UpdaterLike } from '../../../src/main/updates.js';
import { CHROMIUM_PATH } from '../../e2e/support/chromium.js';

// Imported lazily by the caller after `electron` is mocked (electron-store imports it).
type MainModules = {
  createMainHandlers: typeof import('../../../src/main/handlers.js').createMainHandlers;
  createIpcRouter: typeof import('../../../src/main/ipc/router.js').createIpcRouter;
  createKeychain: typeof import('../../../src/main/keychain.js').createKeychain;
  loadKeytar: typeof import('../../../src/main/keychain.js').loadKeytar;
  openSettings: typeof import('../../../src/main/settings.js').openSettings;
  createCertificateGate: typeof import('../../../src/main/security/cert-pinning.js').createCertificateGate;
  createDisplayPicker: typeof import('../../../src/main/display-picker.js').createDisplayPicker;
  createMuteShortcut: typeof import('../../../src/main/global-shortcut.js').createMuteShortcut;
  createUpdateController: typeof import('../../../src/main/updates.js').createUpdateController;
  applyPreferences: typeof import('../../../src/main/settings-handlers.js').applyPreferences;
  handleAppRequest: typeof import('../../../src/main/security/app-protocol.js').handleAppRequest;
  decidePermission: typeof import('../../../src/main/security/window-policy.js').decidePermission;
  APP_ORIGIN: string;
};

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TEST_ORIGIN = 'https://merimeet.test';
export const RENDERER_ROOT = path.join(ROOT, 'dist', 'desktop', 'renderer');

/** The URL Electron would report for a harness page (https://merimeet.test/x → app://merimeet/x). */
export function toAppUrl(url: string, appOrigin: string): string {
  return url.startsWith(`${TEST_ORIGIN}/`) ? appOrigin + url.slice(TEST_ORIGIN.length) : url;
}

/** Builds the desktop app (main, preload, renderer) once, exactly as `npm start` would. */
export async function buildDesktop(): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/build-desktop.mjs'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
}

/** The preload bridge as a page script, over a stand-in ipcRenderer. */
export async function bridgeScript(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const result = await esbuild.build({
    stdin: {
      contents: `
        import { createBridge } from './src/preload/bridge.ts';
        const listeners = new Map();
        const ipc = {
          invoke: (channel, payload) => window.__merimeetIpc(channel, payload),
          on: (channel, listener) => { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(listener); },
          removeListener: (channel, listener) => { listeners.get(channel)?.delete(listener); },
        };
        window.__merimeetEmit = (channel, payload) => { for (const l of listeners.get(channel) ?? []) l({}, payload); };
        Object.defineProperty(window, 'merimeet', { value: createBridge(ipc), enumerable: true });
      `,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
    define: { __MERIMEET_VERSION__: JSON.stringify(pkg.version) },
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface MainOptions {
  settingsDir: string;
  keychainService: string;
  /** false: keytar "failed to load" (no keychain on this desktop). */
  keychainAvailable?: boolean;
  /** Whether the window is visible and focused (what main asks before notifying). */
  windowState?: { visible: boolean; focused: boolean };
  /** What desktopCapturer lists (a function: what it lists at each call). */
  sources?: CapturerSource[] | (() => CapturerSource[]);
  /** Accelerators other applications hold (globalShortcut.register refuses them). */
  takenShortcuts?: string[];
  /** Offer updates (a packaged app); the test drives the stand-in updater. */
  updater?: FakeUpdater;
}

/** Stands in for electron-updater's autoUpdater: the test says when an update was found and downloaded. */
export interface FakeUpdater extends UpdaterLike {
  emit(event: string, ...args: unknown[]): boolean;
  installs: number;
}

export function createFakeUpdater(): FakeUpdater {
  const events = new EventEmitter();
  const updater = {
    autoDownload: false,
    autoInstallOnAppQuit: true,
    installs: 0,
    checkForUpdates: async () => void events.emit('update-not-available'),
    quitAndInstall: () => void updater.installs++,
    on: (event: string, listener: (...args: never[]) => void) => events.on(event, listener as never),
    emit: (event: string, ...args: unknown[]) => events.emit(event, ...args),
  };
  return updater as unknown as FakeUpdater;
}

/** One run of the app: main's real modules plus a Chromium context showing the renderer. */
export interface AppSession {
  page: Page;
  context: BrowserContext;
  main: ReturnType<MainModules['createMainHandlers']>;
  settings: ReturnType<MainModules['openSettings']>;
  certificates: ReturnType<MainModules['createCertificateGate']>;
  picker: ReturnType<MainModules['createDisplayPicker']>;
  /** Every call state the window reported to main (what the tray shows). */
  callStates: import('../../../src/common/ipc-contract.js').CallState[];
  /** Notifications main was asked to show. */
  notifications: [string, string][];
  /** globalShortcut's registrations now: accelerator → callback. */
  shortcuts: Map<string, () => void>;
  /** Every app.setLoginItemSettings({ openAtLogin }) main made. */
  loginItem: boolean[];
  updates: ReturnType<MainModules['createUpdateController']> | null;
  /** Opens the quick-join window (what the tray's "Join meeting…" does); null once it closed. */
  openQuickJoin(): Promise<Page>;
  quickJoinPage(): Page | null;
  emit<C extends EventChannel>(channel: C, payload: EventOf<C>): Promise<void>;
  close(): Promise<void>;
}

export async function startAppSession(
  browser: Browser,
  modules: MainModules,
  script: string,
  options: MainOptions & { configure?: (settings: ReturnType<MainModules['openSettings']>) => void },
): Promise<AppSession> {
  const m = modules;
  const settings = m.openSettings({ cwd: options.settingsDir, appVersion: '0.1.0' });
  options.configure?.(settings);
  const { keytar, loadError } = await m.loadKeytar();
  const keychain =
    options.keychainAvailable === false
      ? m.createKeychain(null, { loadError: 'no Secret Service on this desktop' })
      : m.createKeychain(keytar, { service: options.keychainService, ...(loadError ? { loadError } : {}) });

  /** Set once the page exists; events before that have nowhere to go. */
  const target: { page?: Page } = {};
  const emit = async <C extends EventChannel>(channel: C, payload: EventOf<C>) => {
    await target.page?.evaluate(([c, p]) => (window as unknown as { __merimeetEmit(c: string, p: unknown): void }).__merimeetEmit(c, p), [
      channel,
      payload,
    ] as const);
  };
  const certificates = m.createCertificateGate(settings, (event) => {
    if (event.kind === 'first-contact') void emit('certificate:first-contact', { host: event.host, fingerprint: event.fingerprint });
    else void emit('certificate:changed', { host: event.host, expected: event.expected, presented: event.presented });
  });
  const picker = m.createDisplayPicker({
    getSources: async () => (typeof options.sources === 'function' ? options.sources() : (options.sources ?? [])),
    show: (payload) => void emit('picker:show', payload),
    refresh: (payload) => void emit('picker:refresh', payload),
    platform: 'linux',
  });
  const callStates: AppSession['callStates'] = [];
  const notifications: AppSession['notifications'] = [];
  const shortcuts = new Map<string, () => void>();
  const loginItem: boolean[] = [];
  const registrar = {
    register: (accelerator: string, callback: () => void) => {
      if ((options.takenShortcuts ?? []).includes(accelerator) || shortcuts.has(accelerator)) return false;
      shortcuts.set(accelerator, callback);
      return true;
    },
    unregister: (accelerator: string) => void shortcuts.delete(accelerator),
  };
  const updates =
    options.updater === undefined
      ? null
      : m.createUpdateController({
          updater: options.updater,
          enabled: settings.get().preferences.autoUpdate,
          onStatus: (status) => void emit('update:status', status),
        });
  const effects = {
    setLoginItem: (open: boolean) => void loginItem.push(open),
    muteShortcut: m.createMuteShortcut(registrar, () => void emit('tray:action', { action: 'toggle-mic' })),
    updates,
  };
  m.applyPreferences(settings.get().preferences, effects);
  const quick: { page: Page | null } = { page: null };
  const main = m.createMainHandlers({
    version: '0.1.0',
    keychain,
    settings,
    certificates,
    picker,
    windowState: () => options.windowState ?? { visible: true, focused: true },
    showNotification: (title, body) => notifications.push([title, body]),
    openExternal: () => undefined,
    onCallState: (state) => callStates.push(state),
    effects,
    quickJoin: {
      deliver: (action) => void emit('tray:action', action),
      close: () => {
        const page = quick.page;
        quick.page = null;
        void page?.close();
      },
    },
  });
  const router = m.createIpcRouter({ handlers: main.handlers, appOrigin: m.APP_ORIGIN });

  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  // Playwright cannot call main's permission handler, so grant what it grants the app's page
  // (and only if it does): Local Network Access, to reach the signaling server on loopback.
  const appPage = `${m.APP_ORIGIN}/index.html`;
  if (m.decidePermission({ permission: 'local-network-access', requestingUrl: appPage, isMainFrame: true })) {
    await context.grantPermissions(['local-network-access'], { origin: TEST_ORIGIN });
  }
  await context.route(`${TEST_ORIGIN}/**`, async (route) => {
    const request = route.request();
    const response = await m.handleAppRequest(RENDERER_ROOT, new Request(toAppUrl(request.url(), m.APP_ORIGIN), { method: request.method() }));
    await route.fulfill({
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: Buffer.from(await response.arrayBuffer()),
    });
  });
  await context.exposeBinding('__merimeetIpc', ({ frame }, channel: unknown, payload: unknown) =>
    router.dispatch(channel, { senderFrame: { url: toAppUrl(frame.url(), m.APP_ORIGIN), parent: frame.parentFrame() } }, payload),
  );
  await context.addInitScript({ content: script });
  const page = await context.newPage();
  target.page = page;
  if (process.env.MERIMEET_DEBUG_HARNESS) page.on('console', (m) => console.log('PAGE', m.text()));
  return {
    page,
    context,
    main,
    settings,
    certificates,
    picker,
    callStates,
    notifications,
    shortcuts,
    loginItem,
    updates,
    async openQuickJoin() {
      if (quick.page !== null) return quick.page;
      const page = await context.newPage();
      quick.page = page;
      await page.goto(`${TEST_ORIGIN}/index.html?window=quick-join`);
      return page;
    },
    quickJoinPage: () => quick.page,
    emit,
    close: () => {
      updates?.dispose();
      return context.close();
    },
  };
}
