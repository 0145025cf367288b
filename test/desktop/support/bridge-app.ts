/**
 * What the bridge tests share: main's real modules (imported after `electron`
 * is mocked by the test file), a real signaling server, one Chromium, and
 * the person's first steps (register, start a meeting).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect as pwExpect, type Browser } from '@playwright/test';
import { inject } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../integration/support/server-process.js';
import { bridgeScript, buildDesktop, launchChromium, startAppSession, TEST_ORIGIN, type AppSession } from './bridge-harness.js';

export async function mainModules() {
  return {
    ...(await import('../../../src/main/handlers.js')),
    ...(await import('../../../src/main/ipc/router.js')),
    ...(await import('../../../src/main/keychain.js')),
    ...(await import('../../../src/main/settings.js')),
    ...(await import('../../../src/main/security/cert-pinning.js')),
    ...(await import('../../../src/main/display-picker.js')),
    ...(await import('../../../src/main/security/app-protocol.js')),
    ...(await import('../../../src/main/security/window-policy.js')),
    ...(await import('../../../src/main/global-shortcut.js')),
    ...(await import('../../../src/main/updates.js')),
    ...(await import('../../../src/main/settings-handlers.js')),
  };
}
type Modules = Awaited<ReturnType<typeof mainModules>>;

export interface BridgeWorld {
  dir: string;
  server: ServerProcess;
  browser: Browser;
  service: string;
  /** One run of the app named `name` (same name: same settings and keychain, i.e. a restart). */
  startApp(name: string, extra?: Partial<Parameters<typeof startAppSession>[3]>): Promise<AppSession>;
  /** What the app named `app` keeps in the keychain under `account`. */
  keychainEntry(app: string, account: string): Promise<string | null>;
  stop(): Promise<void>;
}

export async function startWorld(modules: Modules): Promise<BridgeWorld> {
  process.env.DBUS_SESSION_BUS_ADDRESS = inject('dbusAddress');
  const dir = await mkdtemp(join(tmpdir(), 'merimeet-bridge-'));
  const [server, script] = await Promise.all([startServerProcess(join(dir, 'server')), bridgeScript(), buildDesktop()]);
  const browser = await launchChromium();
  const service = `merimeet-bridge-${process.pid}`;
  const open: AppSession[] = [];
  return {
    dir,
    server,
    browser,
    service,
    async startApp(name, extra = {}) {
      const app = await startAppSession(browser, modules, script, {
        settingsDir: join(dir, name),
        keychainService: `${service}-${name}`,
        configure: (settings) => {
          if (settings.get().servers.length === 0) settings.addServer({ url: server.url, name: 'Test server' });
        },
        ...extra,
      });
      open.push(app);
      await app.page.goto(`${TEST_ORIGIN}/index.html`);
      await pwExpect(app.page.getByRole('heading', { level: 1, name: 'meriMeet' })).toBeVisible();
      return app;
    },
    async keychainEntry(app, account) {
      try {
        const { stdout } = await promisify(execFile)('secret-tool', ['lookup', 'service', `${service}-${app}`, 'account', account], {
          env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: inject('dbusAddress') },
        });
        return stdout;
      } catch {
        return null; // secret-tool exits 1 when there is no such entry
      }
    },
    async stop() {
      for (const app of open) await app.close().catch(() => undefined);
      await browser.close();
      if (server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function register(app: AppSession, username: string): Promise<void> {
  const form = app.page.getByRole('form', { name: 'Your account' });
  await form.getByRole('textbox', { name: 'Username' }).fill(username);
  await form.getByLabel('Account password').fill('correct horse battery');
  await form.getByRole('button', { name: 'Register' }).click();
  await pwExpect(app.page.getByText(`Signed in as ${username}`)).toBeVisible();
}

/** Signed in: New meeting, Join now, Join meeting; resolves once main knows the call is on, with its id. */
export async function hostMeeting(app: AppSession): Promise<string> {
  await app.page.getByRole('button', { name: 'New meeting' }).click();
  await app.page.getByRole('button', { name: 'Join now' }).click();
  await app.page.getByRole('button', { name: 'Join meeting' }).click();
  // Key derivation (PBKDF2, 600,000 iterations) and the join take a few seconds on 2 busy cores.
  await pwExpect.poll(() => app.callStates.at(-1)?.inCall, { timeout: 30_000 }).toBe(true);
  return app.callStates.at(-1)?.meetingId as string;
}
