/**
 * The main process's IPC handlers behind the real router, over the REAL
 * keychain (gnome-keyring on the private D-Bus session of this project) and
 * the REAL settings store (electron-store; only `electron` is faked). What
 * the window can do through IPC, end to end inside main.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { CallState } from '../../src/common/ipc-contract.js';

vi.mock('electron', () => ({ default: { app: undefined, ipcMain: undefined, shell: {} } }));

const { createMainHandlers } = await import('../../src/main/handlers.js');
const { createIpcRouter } = await import('../../src/main/ipc/router.js');
const { createKeychain, loadKeytar, sessionAccount } = await import('../../src/main/keychain.js');
const { openSettings } = await import('../../src/main/settings.js');
const { createCertificateGate, fingerprintOfPem } = await import('../../src/main/security/cert-pinning.js');
const { createDisplayPicker } = await import('../../src/main/display-picker.js');
const { APP_ORIGIN } = await import('../../src/main/security/window-policy.js');

const run = promisify(execFile);
const SERVICE = `merimeet-handlers-${process.pid}`;
const SERVER = 'wss://meet.example.org/ws';
const TOKEN = 'S'.repeat(43);
const fromApp = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null }, sender: { id: 1 } };

let dir: string;
let keytar: Awaited<ReturnType<typeof loadKeytar>>['keytar'];
beforeAll(async () => {
  process.env.DBUS_SESSION_BUS_ADDRESS = inject('dbusAddress');
  ({ keytar } = await loadKeytar());
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'merimeet-handlers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function app(options: { keychainAvailable?: boolean; window?: { visible: boolean; focused: boolean } } = {}) {
  const settings = openSettings({ cwd: dir, appVersion: '0.1.0' });
  const keychain =
    options.keychainAvailable === false
      ? createKeychain(null, { loadError: 'no Secret Service on this desktop' })
      : createKeychain(keytar, { service: SERVICE });
  const events: unknown[] = [];
  const certificates = createCertificateGate(settings, (e) => events.push(e));
  const notifications: [string, string][] = [];
  const opened: string[] = [];
  const callStates: CallState[] = [];
  const main = createMainHandlers({
    version: '0.1.0',
    keychain,
    settings,
    certificates,
    picker: createDisplayPicker({ getSources: async () => [], show: () => undefined, platform: 'linux' }),
    windowState: () => options.window ?? { visible: true, focused: true },
    showNotification: (title, body) => notifications.push([title, body]),
    openExternal: (url) => opened.push(url),
    onCallState: (s) => callStates.push(s),
    now: () => 1234,
  });
  const router = createIpcRouter({ handlers: main.handlers, appOrigin: APP_ORIGIN });
  const call = (channel: string, payload: unknown) => router.dispatch(channel, fromApp, payload);
  return { main, call, settings, certificates, events, notifications, opened, callStates };
}

describe('main handlers over the real keychain and store', () => {
  it('keeps the session token in the keychain only, and a restarted main finds it', async () => {
    const first = app();
    expect(await first.call('session:set', { server: SERVER, token: TOKEN })).toEqual({ ok: true, value: null });
    const { stdout } = await run('secret-tool', ['lookup', 'service', SERVICE, 'account', sessionAccount(SERVER)], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: inject('dbusAddress') },
    });
    expect(stdout).toBe(TOKEN);
    expect(await readFile(first.settings.path, 'utf8').catch(() => '')).not.toContain(TOKEN);
    const restarted = app();
    expect(await restarted.call('session:get', { server: SERVER })).toEqual({ ok: true, value: { token: TOKEN } });
    expect(await restarted.call('session:clear', { server: SERVER })).toEqual({ ok: true, value: null });
    expect(await restarted.call('session:get', { server: SERVER })).toEqual({ ok: true, value: { token: null } });
  });

  it('without a keychain: says so in the config, refuses to keep secrets, and writes none to disk', async () => {
    const { call, settings } = app({ keychainAvailable: false });
    const config = await call('config:get', {});
    expect(config).toMatchObject({ ok: true, value: { keychain: { available: false, reason: expect.stringContaining('no Secret Service') } } });
    expect(await call('session:set', { server: SERVER, token: TOKEN })).toMatchObject({ ok: false, error: { code: 'keychain_unavailable' } });
    expect(
      await call('meeting-password:remember', { server: SERVER, meetingId: 'abc-defg-hjk', password: 'Pw3456789a' }),
    ).toMatchObject({ ok: false, error: { code: 'keychain_unavailable' } });
    await call('recent:add', { server: SERVER, meetingId: 'abc-defg-hjk', title: 'Standup' });
    const onDisk = await readFile(settings.path, 'utf8');
    expect(onDisk).not.toContain(TOKEN);
    expect(onDisk).not.toContain('Pw3456789a');
  });

  it('rejoins a recent meeting from the tray with the password from the keychain', async () => {
    const { call, main } = app();
    await call('meeting-password:remember', { server: SERVER, meetingId: 'abc-defg-hjk', password: 'Pw3456789a' });
    await call('recent:add', { server: SERVER, meetingId: 'abc-defg-hjk', title: 'Standup' });
    const config = await call('config:get', {});
    expect(config).toMatchObject({ value: { recentMeetings: [{ meetingId: 'abc-defg-hjk', title: 'Standup', server: SERVER, at: 1234 }] } });
    expect(await main.trayAction({ kind: 'rejoin', server: SERVER, meetingId: 'abc-defg-hjk' })).toEqual({
      action: 'rejoin',
      server: SERVER,
      meetingId: 'abc-defg-hjk',
      password: 'Pw3456789a',
    });
    await call('meeting-password:forget', { server: SERVER, meetingId: 'abc-defg-hjk' });
    expect(await main.trayAction({ kind: 'rejoin', server: SERVER, meetingId: 'abc-defg-hjk' })).toMatchObject({ password: null });
    expect(await main.trayAction({ kind: 'toggle-mic' })).toEqual({ action: 'toggle-mic' });
  });

  it('pins a certificate only after a real first contact, into the settings file', async () => {
    const { call, certificates, events, settings } = app();
    const { cert } = await generate([{ name: 'commonName', value: 'meet.example.org' }], { keySize: 2048 });
    const fingerprint = fingerprintOfPem(cert);
    expect(await call('certificate:decide', { host: 'meet.example.org', fingerprint, trust: true })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    certificates.verify({ hostname: 'meet.example.org', errorCode: -202, certificate: { data: cert } });
    expect(events).toEqual([{ kind: 'first-contact', host: 'meet.example.org', fingerprint }]);
    expect(await call('certificate:decide', { host: 'meet.example.org', fingerprint, trust: true })).toEqual({ ok: true, value: null });
    expect(JSON.parse(await readFile(settings.path, 'utf8')).pins).toEqual({ 'meet.example.org': fingerprint });
    expect(certificates.verify({ hostname: 'meet.example.org', errorCode: -202, certificate: { data: cert } })).toBe(0);
  });

  it('manages servers (several, one default) and refuses a default that is not configured', async () => {
    const { call } = app();
    await call('servers:add', { url: SERVER, name: 'Work' });
    const second = await call('servers:add', { url: 'wss://home.example.net/ws', name: 'Home' });
    expect(second).toMatchObject({ value: { defaultServer: SERVER, servers: [{ name: 'Work' }, { name: 'Home' }] } });
    expect(await call('servers:set-default', { url: 'wss://nowhere.example/ws' })).toMatchObject({ error: { code: 'bad_request' } });
    expect(await call('servers:set-default', { url: 'wss://home.example.net/ws' })).toMatchObject({
      value: { defaultServer: 'wss://home.example.net/ws' },
    });
  });

  it('notifies only while the window is hidden or in the background', async () => {
    const visible = app();
    expect(await visible.call('notify', { kind: 'joined', title: 'Ada joined', body: '' })).toEqual({ ok: true, value: { shown: false } });
    expect(visible.notifications).toEqual([]);
    const hidden = app({ window: { visible: false, focused: false } });
    expect(await hidden.call('notify', { kind: 'message', title: 'Ada', body: 'hi' })).toEqual({ ok: true, value: { shown: true } });
    expect(hidden.notifications).toEqual([['Ada', 'hi']]);
    const background = app({ window: { visible: true, focused: false } });
    expect(await background.call('notify', { kind: 'message', title: 'Ada', body: 'hi' })).toMatchObject({ value: { shown: true } });
  });

  it('opens only vetted http(s) links in the browser', async () => {
    const { call, opened } = app();
    expect(await call('link:open', { url: 'https://example.org/help' })).toEqual({ ok: true, value: { opened: true } });
    expect(await call('link:open', { url: 'file:///etc/passwd' })).toEqual({ ok: true, value: { opened: false } });
    expect(await call('link:open', { url: 'smb://evil/share' })).toEqual({ ok: true, value: { opened: false } });
    expect(opened).toEqual(['https://example.org/help']);
  });

  it('passes call state on (for the tray) and says hosting is unavailable when not offered', async () => {
    const { call, callStates } = app();
    const state = { inCall: true, muted: true, cameraOff: false, meetingId: 'abc-defg-hjk' };
    await call('call:state', state);
    // A window from before `sharing` existed is read as not sharing.
    expect(callStates).toEqual([{ ...state, sharing: false }]);
    await call('call:state', { ...state, sharing: true });
    expect(callStates.at(-1)).toMatchObject({ sharing: true });
    expect(await call('host:start', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
