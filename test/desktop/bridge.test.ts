/**
 * The bridge test: the real renderer in Chromium, its desktop platform over
 * the real preload bridge, wired to the real main-process handlers with the
 * real keychain (gnome-keyring on this project's private D-Bus session) and
 * the real settings store, against a real signaling server.
 * test/desktop/support/bridge-harness.ts says what stands in for Electron.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect as pwExpect, type Browser } from '@playwright/test';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startServerProcess, type ServerProcess } from '../integration/support/server-process.js';
import { bridgeScript, buildDesktop, launchChromium, startAppSession, TEST_ORIGIN, type AppSession } from './support/bridge-harness.js';

vi.mock('electron', () => ({ default: { app: undefined, ipcMain: undefined, shell: {} } }));
const modules = {
  ...(await import('../../src/main/handlers.js')),
  ...(await import('../../src/main/ipc/router.js')),
  ...(await import('../../src/main/keychain.js')),
  ...(await import('../../src/main/settings.js')),
  ...(await import('../../src/main/security/cert-pinning.js')),
  ...(await import('../../src/main/display-picker.js')),
  ...(await import('../../src/main/security/app-protocol.js')),
  ...(await import('../../src/main/security/window-policy.js')),
  ...(await import('../../src/main/global-shortcut.js')),
  ...(await import('../../src/main/updates.js')),
  ...(await import('../../src/main/settings-handlers.js')),
};
const { sessionAccount, fingerprintOfPem } = modules;

const run = promisify(execFile);
const SERVICE = `merimeet-bridge-${process.pid}`;
let dir: string;
let server: ServerProcess;
let browser: Browser;
let script: string;
const open: AppSession[] = [];

/** What the app named `app` keeps in the keychain under `account` (each app of a test has its own keychain service). */
async function keychainEntry(app: string, account: string): Promise<string | null> {
  try {
    const { stdout } = await run('secret-tool', ['lookup', 'service', `${SERVICE}-${app}`, 'account', account], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: inject('dbusAddress') },
    });
    return stdout;
  } catch {
    return null;
  }
}

async function startApp(name: string, extra: Partial<Parameters<typeof startAppSession>[3]> = {}): Promise<AppSession> {
  const app = await startAppSession(browser, modules, script, {
    settingsDir: join(dir, name),
    keychainService: `${SERVICE}-${name}`,
    configure: (settings) => {
      if (settings.get().servers.length === 0) settings.addServer({ url: server.url, name: 'Test server' });
    },
    ...extra,
  });
  open.push(app);
  await app.page.goto(`${TEST_ORIGIN}/index.html`);
  await pwExpect(app.page.getByRole('heading', { level: 1, name: 'meriMeet' })).toBeVisible();
  return app;
}

beforeAll(async () => {
  process.env.DBUS_SESSION_BUS_ADDRESS = inject('dbusAddress');
  dir = await mkdtemp(join(tmpdir(), 'merimeet-bridge-'));
  [server, script] = await Promise.all([startServerProcess(join(dir, 'server')), bridgeScript(), buildDesktop()]).then(
    ([s, b]) => [s, b] as const,
  );
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const app of open) await app.close().catch(() => undefined);
  await browser?.close();
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

async function register(app: AppSession, username: string): Promise<void> {
  const form = app.page.getByRole('form', { name: 'Your account' });
  await form.getByRole('textbox', { name: 'Username' }).fill(username);
  await form.getByLabel('Account password').fill('correct horse battery');
  await form.getByRole('button', { name: 'Register' }).click();
  await pwExpect(app.page.getByText(`Signed in as ${username}`)).toBeVisible();
}

describe('bridge: renderer ↔ preload bridge ↔ main handlers (real keychain, real store)', () => {
  it('logging in keeps the token in the keychain, and a restart of the app finds it', async () => {
    const first = await startApp('restart');
    await register(first, 'ada');
    const token = await keychainEntry('restart', sessionAccount(server.url));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await readFile(first.settings.path, 'utf8')).not.toContain(token as string);
    await first.close();

    const second = await startApp('restart');
    await pwExpect(second.page.getByText('Signed in as ada')).toBeVisible();
    await second.page.getByRole('button', { name: 'Log out' }).click();
    await pwExpect(second.page.getByRole('form', { name: 'Your account' })).toBeVisible();
    await pwExpect.poll(() => keychainEntry('restart', sessionAccount(server.url))).toBeNull();
    await second.close();
  });

  it('without a keychain: signs in for this run only, says so, and keeps nothing', async () => {
    const first = await startApp('no-keychain', { keychainAvailable: false });
    await pwExpect(first.page.getByRole('note')).toContainText('No system keychain');
    await register(first, 'grace');
    const onDisk = await readFile(first.settings.path, 'utf8');
    expect(onDisk).not.toMatch(/token|[A-Za-z0-9_-]{43}/);
    await first.close();
    const second = await startApp('no-keychain', { keychainAvailable: false });
    await pwExpect(second.page.getByRole('form', { name: 'Your account' })).toBeVisible();
    await pwExpect(second.page.getByText('Signed in as grace')).toHaveCount(0);
    await second.close();
  });

  it('refuses IPC from a page that is not the app, in the same browser', async () => {
    const app = await startApp('foreign');
    await app.context.route('https://evil.test/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>evil</title>' }));
    const evil = await app.context.newPage();
    await evil.goto('https://evil.test/');
    const answer = await evil.evaluate(() =>
      (window as unknown as { __merimeetIpc(c: string, p: unknown): Promise<unknown> }).__merimeetIpc('session:get', {
        server: 'wss://meet.example.org/ws',
      }),
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    await app.close();
  });

  it('shows the window picker with thumbnails and icons, and grants the window that was clicked', async () => {
    const png = (await readFile(join(process.cwd(), 'build', 'tray.png'))).toString('base64');
    const image = (data: string) => ({ isEmpty: () => data === '', toDataURL: () => data });
    const sources = [
      { id: 'screen:0:0', name: 'Entire screen', thumbnail: image(`data:image/png;base64,${png}`), appIcon: null },
      { id: 'window:42:0', name: 'Slides — Impress', thumbnail: image(`data:image/png;base64,${png}`), appIcon: image(`data:image/png;base64,${png}`) },
    ];
    const app = await startApp('picker', { sources });
    const grants: unknown[] = [];
    await app.picker.handleRequest({ frame: { url: `${modules.APP_ORIGIN}/index.html` } }, (g) => grants.push(g));
    const dialog = app.page.getByRole('dialog', { name: 'Choose what to share' });
    await pwExpect(dialog).toBeVisible();
    const windowButton = dialog.getByRole('button', { name: 'Window: Slides — Impress' });
    // The thumbnail and the icon actually render under the CSP (img-src data:).
    await pwExpect
      .poll(() => windowButton.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0)))
      .toEqual([true, true]);
    await windowButton.click();
    await pwExpect(dialog).toHaveCount(0);
    await pwExpect.poll(() => grants.length).toBe(1);
    expect(grants[0]).toEqual({ video: sources[1] });
    await app.close();
  });

  it('asks on first contact with a self-signed server, pins on "Trust", and refuses a changed certificate loudly', async () => {
    const app = await startApp('pinning');
    const cert = await readFile(join(dir, 'server', 'tls', 'cert.pem'), 'utf8');
    const fingerprint = fingerprintOfPem(cert);
    expect(fingerprint).toBe(server.fingerprint);
    expect(app.certificates.verify({ hostname: '127.0.0.1', errorCode: -202, certificate: { data: cert } })).toBe(-2);
    const prompt = app.page.getByRole('dialog', { name: 'Trust this server?' });
    await pwExpect(prompt).toContainText(fingerprint);
    await prompt.getByRole('button', { name: 'Trust this server' }).click();
    await pwExpect.poll(async () => JSON.parse(await readFile(app.settings.path, 'utf8')).pins).toEqual({ '127.0.0.1': fingerprint });
    expect(app.certificates.verify({ hostname: '127.0.0.1', errorCode: -202, certificate: { data: cert } })).toBe(0);

    const other = (await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048 })).cert;
    expect(app.certificates.verify({ hostname: '127.0.0.1', errorCode: -202, certificate: { data: other } })).toBe(-2);
    const alarm = app.page.getByRole('alertdialog', { name: 'Server certificate changed' });
    await pwExpect(alarm).toContainText(fingerprintOfPem(other));
    await pwExpect(alarm).toContainText('will not connect');
    await app.close();
  });

  it('in a call: tells main (the tray) its state, and obeys the tray and the global shortcut', async () => {
    const app = await startApp('call');
    await register(app, 'host');
    await app.page.getByRole('button', { name: 'New meeting' }).click();
    await app.page.getByRole('button', { name: 'Join now' }).click();
    await app.page.getByRole('button', { name: 'Join meeting' }).click();
    const mic = app.page.getByRole('toolbar', { name: 'Meeting controls' }).getByRole('button', { name: 'Microphone' });
    await pwExpect(mic).toHaveAttribute('aria-pressed', 'true', { timeout: 30_000 });
    await pwExpect.poll(() => app.callStates.at(-1)).toMatchObject({ inCall: true, muted: false, cameraOff: false });
    const meetingId = app.callStates.at(-1)?.meetingId;
    expect(meetingId).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);

    await app.emit('tray:action', { action: 'toggle-mic' }); // tray "Mute microphone", or the global shortcut
    await pwExpect(mic).toHaveAttribute('aria-pressed', 'false');
    await pwExpect.poll(() => app.callStates.at(-1)).toMatchObject({ inCall: true, muted: true });
    await app.emit('tray:action', { action: 'toggle-camera' });
    await pwExpect.poll(() => app.callStates.at(-1)).toMatchObject({ cameraOff: true });

    // The meeting joined is remembered: recent meetings in settings, its password in the keychain.
    await pwExpect.poll(() => app.settings.get().recentMeetings.map((r) => r.meetingId)).toEqual([meetingId]);
    expect(await keychainEntry('call', `meeting ${meetingId} ${server.url}`)).toMatch(/^[2-9a-zA-Z]{10}$/);

    await app.emit('tray:action', { action: 'leave' });
    await pwExpect(app.page.getByRole('heading', { name: 'You left the meeting' })).toBeVisible();
    await pwExpect.poll(() => app.callStates.at(-1)).toMatchObject({ inCall: false });
    await app.close();
  });

  it('notifies through main when someone joins or writes while the window is hidden', async () => {
    const host = await startApp('notify-host', { windowState: { visible: false, focused: false } });
    await register(host, 'hidden');
    await host.page.getByRole('button', { name: 'New meeting' }).click();
    await host.page.getByRole('button', { name: 'Join now' }).click();
    await host.page.getByRole('button', { name: 'Join meeting' }).click();
    await pwExpect.poll(() => host.callStates.at(-1)?.inCall, { timeout: 30_000 }).toBe(true);
    const meetingId = host.callStates.at(-1)?.meetingId as string;
    const password = await keychainEntry('notify-host', `meeting ${meetingId} ${server.url}`);

    const guest = await startApp('notify-guest');
    await guest.emit('deep-link', { server: null, meetingId, password });
    await guest.page.getByRole('textbox', { name: 'Your name' }).fill('Guest');
    await guest.page.getByRole('button', { name: 'Join meeting' }).click();
    await pwExpect.poll(() => host.notifications, { timeout: 30_000 }).toContainEqual(['Guest joined', 'meriMeet']);
    await guest.page.getByRole('button', { name: /^Chat/ }).click();
    await guest.page.getByRole('textbox', { name: 'Message' }).fill('are you there?');
    await guest.page.getByRole('button', { name: 'Send', exact: true }).click();
    await pwExpect.poll(() => host.notifications, { timeout: 30_000 }).toContainEqual(['Guest', 'are you there?']);
    expect(guest.notifications).toEqual([]); // the guest's window is visible: main shows nothing
    await guest.close();
    await host.close();
  });

  it('opens a merimeet:// invite and a tray rejoin (password from the keychain) on pre-join', async () => {
    const app = await startApp('links');
    await app.emit('deep-link', { server: null, meetingId: 'abc-defg-hjk', password: 'Ab3dE5gH7k' });
    await pwExpect(app.page.getByRole('heading', { level: 1, name: 'Ready to join?' })).toBeVisible();
    await app.page.getByRole('button', { name: 'Back' }).click();
    await pwExpect(app.page.getByRole('heading', { level: 1, name: 'meriMeet' })).toBeVisible();

    await app.main.handlers['meeting-password:remember']({ server: server.url, meetingId: 'xyz-wxyz-xyz', password: 'Zz3dE5gH7k' }, { senderId: undefined });
    await app.emit('tray:action', await app.main.trayAction({ kind: 'rejoin', server: server.url, meetingId: 'xyz-wxyz-xyz' }));
    await pwExpect(app.page.getByRole('heading', { level: 1, name: 'Ready to join?' })).toBeVisible();
    expect(await keychainEntry('links', `meeting xyz-wxyz-xyz ${server.url}`)).toBe('Zz3dE5gH7k');

    // A link for a server this app does not use is not followed silently.
    await app.page.getByRole('button', { name: 'Back' }).click();
    await app.emit('deep-link', { server: 'wss://elsewhere.example/ws', meetingId: 'abc-defg-hjk', password: 'Ab3dE5gH7k' });
    await pwExpect(app.page.getByRole('note')).toContainText('another server');
    await app.close();
  });
});
