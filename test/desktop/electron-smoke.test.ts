/**
 * Smoke test of the real desktop app in a real Electron, with Playwright's
 * `_electron`: launch, the hardened window shows the app from app://, log in,
 * create and join a meeting on a local signaling server, the tray exists;
 * then the settings screen and the tray's quick-join window (frameless,
 * always on top) joining that meeting again.
 *
 * Runs wherever an Electron binary is available (ELECTRON_OVERRIDE_DIST_PATH,
 * or one the electron package downloaded) and a display exists; elsewhere it
 * is skipped and says why. Our build machines cannot download Electron, so
 * this test has NOT run there.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect as pwExpect, type ElectronApplication } from '@playwright/test';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../integration/support/server-process.js';
import { buildDesktop, ROOT } from './support/bridge-harness.js';
import { findElectronBinary } from './support/electron-binary.js';

const binary = findElectronBinary(ROOT);
const reason = 'reason' in binary ? binary.reason : null;
if (reason !== null) console.warn(`Electron smoke test skipped: ${reason}`);

describe('desktop app in Electron (smoke)', () => {
  let dir: string | undefined;
  let server: ServerProcess | undefined;
  let app: ElectronApplication | undefined;

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(reason !== null)(
    `launches, shows the app, joins a meeting on a local server, and has a tray${reason === null ? '' : ` — SKIPPED: ${reason}`}`,
    async () => {
      if ('reason' in binary) return;
      dir = await mkdtemp(path.join(tmpdir(), 'merimeet-electron-'));
      await buildDesktop();
      server = await startServerProcess(path.join(dir, 'server'));
      // Settings as a person would have them after adding and trusting this server.
      const userData = path.join(dir, 'config', 'meriMeet');
      await mkdir(userData, { recursive: true });
      await writeFile(
        path.join(userData, 'settings.json'),
        JSON.stringify({ servers: [{ url: server.url, name: 'Test' }], defaultServer: server.url, pins: { '127.0.0.1': server.fingerprint } }),
      );
      app = await electron.launch({
        executablePath: binary.path,
        args: [ROOT, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
        env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), MERIMEET_TEST_HOOKS: '1' },
      });
      const window = await app.firstWindow();
      expect(window.url()).toBe('app://merimeet/index.html');
      await pwExpect(window.getByRole('heading', { level: 1, name: 'meriMeet' })).toBeVisible();
      // No Node in the page, and the bridge has named methods, no generic invoke.
      expect(
        await window.evaluate(() => {
          const w = window as unknown as Record<string, unknown>;
          const bridge = w.merimeet as Record<string, unknown> | undefined;
          return {
            require: typeof w.require,
            process: typeof w.process,
            getConfig: bridge === undefined ? 'missing' : typeof bridge.getConfig,
            invoke: bridge === undefined ? 'missing' : typeof bridge.invoke,
          };
        }),
      ).toEqual({ require: 'undefined', process: 'undefined', getConfig: 'function', invoke: 'undefined' });

      const form = window.getByRole('form', { name: 'Your account' });
      await form.getByRole('textbox', { name: 'Username' }).fill('smoke');
      await form.getByLabel('Account password').fill('correct horse battery');
      await form.getByRole('button', { name: 'Register' }).click();
      await pwExpect(window.getByText('Signed in as smoke')).toBeVisible();
      await window.getByRole('button', { name: 'New meeting' }).click();
      await window.getByRole('button', { name: 'Join now' }).click();
      await window.getByRole('button', { name: 'Join meeting' }).click();
      await pwExpect(window.getByRole('toolbar', { name: 'Meeting controls' })).toBeVisible({ timeout: 30_000 });

      expect(await app.evaluate(() => (globalThis as { __merimeetTray?: { isDestroyed(): boolean } }).__merimeetTray?.isDestroyed())).toBe(false);

      // Leave, change a setting, then quick-join the meeting again from the tray's small window.
      await window.getByRole('toolbar', { name: 'Meeting controls' }).getByRole('button', { name: 'Leave meeting' }).click();
      await pwExpect(window.getByRole('heading', { name: 'You left the meeting' })).toBeVisible();
      await window.getByRole('button', { name: 'Home' }).click();
      await window.getByRole('button', { name: 'Settings' }).click();
      await window.getByRole('checkbox', { name: 'Connect through the relay only' }).check();
      await pwExpect.poll(async () => JSON.parse(await readFile(path.join(userData, 'settings.json'), 'utf8')).preferences?.relayOnly).toBe(true);
      await window.getByRole('button', { name: 'Back' }).click();

      const opened = app.waitForEvent('window');
      await app.evaluate(() => (globalThis as { __merimeetQuickJoin?: () => void }).__merimeetQuickJoin?.());
      const quick = await opened;
      expect(quick.url()).toBe('app://merimeet/index.html?window=quick-join');
      expect(
        await app.evaluate(({ BrowserWindow }) => {
          const w = BrowserWindow.getAllWindows().find((b) => b.webContents.getURL().includes('window=quick-join'));
          return { onTop: w?.isAlwaysOnTop(), resizable: w?.isResizable() };
        }),
      ).toEqual({ onTop: true, resizable: false });
      // One click: the password comes from the OS keychain (this part needs one, as a desktop has).
      await quick.getByRole('button', { name: /^Rejoin / }).click();
      await pwExpect(window.getByRole('toolbar', { name: 'Meeting controls' })).toBeVisible({ timeout: 30_000 });
    },
    180_000,
  );
});
