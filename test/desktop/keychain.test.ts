/**
 * The keychain module against a REAL Secret Service: gnome-keyring on a
 * private D-Bus session that test/desktop/support/private-keyring.ts starts
 * for this project and stops afterwards. `secret-tool` (libsecret's own CLI)
 * reads back what was stored, independently of keytar.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createKeychain, KeychainUnavailableError, loadKeytar, meetingAccount, sessionAccount, type Keychain } from '../../src/main/keychain.js';

const run = promisify(execFile);
const SERVICE = `merimeet-test-${process.pid}`;
const SERVER = 'wss://meet.example.org/ws';
const TOKEN = 'Tk_'.padEnd(43, 'x');

const busEnv = () => ({ ...process.env, DBUS_SESSION_BUS_ADDRESS: inject('dbusAddress'), HOME: inject('keyringHome') });

async function secretTool(account: string): Promise<string | null> {
  try {
    const { stdout } = await run('secret-tool', ['lookup', 'service', SERVICE, 'account', account], { env: busEnv() });
    return stdout;
  } catch {
    return null; // exit 1: not found
  }
}

let keychain: Keychain;
beforeAll(async () => {
  // libsecret reads the bus address when it first connects, i.e. on the first call below.
  process.env.DBUS_SESSION_BUS_ADDRESS = inject('dbusAddress');
  const { keytar, loadError } = await loadKeytar();
  expect(loadError).toBeUndefined();
  keychain = createKeychain(keytar, { service: SERVICE });
});

describe('keychain (real gnome-keyring over a private D-Bus session)', () => {
  it('reports itself available', async () => {
    await expect(keychain.status()).resolves.toEqual({ available: true, reason: null });
  });

  it('stores a session token per server in the Secret Service, reads it back, and clears it', async () => {
    await keychain.setSessionToken(SERVER, TOKEN);
    await keychain.setSessionToken('wss://other.example.org/ws', 'other-token');
    expect(await keychain.getSessionToken(SERVER)).toBe(TOKEN);
    expect(await keychain.getSessionToken('wss://other.example.org/ws')).toBe('other-token');
    expect(await secretTool(sessionAccount(SERVER))).toBe(TOKEN);
    await keychain.clearSessionToken(SERVER);
    expect(await keychain.getSessionToken(SERVER)).toBeNull();
    expect(await secretTool(sessionAccount(SERVER))).toBeNull();
    expect(await keychain.getSessionToken('wss://other.example.org/ws')).toBe('other-token');
    await keychain.clearSessionToken(SERVER); // clearing nothing is fine
  });

  it('remembers meeting passwords per server and meeting', async () => {
    await keychain.rememberMeetingPassword(SERVER, 'abc-defg-hjk', 'p4ssw0rdAB');
    expect(await keychain.recallMeetingPassword(SERVER, 'abc-defg-hjk')).toBe('p4ssw0rdAB');
    expect(await keychain.recallMeetingPassword('wss://other.example.org/ws', 'abc-defg-hjk')).toBeNull();
    expect(await secretTool(meetingAccount(SERVER, 'abc-defg-hjk'))).toBe('p4ssw0rdAB');
    await keychain.forgetMeetingPassword(SERVER, 'abc-defg-hjk');
    expect(await keychain.recallMeetingPassword(SERVER, 'abc-defg-hjk')).toBeNull();
  });

  it('lists its entries by name only, and "forget everything" deletes every one of them (and no other service’s)', async () => {
    const other = createKeychain((await loadKeytar()).keytar, { service: `${SERVICE}-other` });
    await other.setSessionToken(SERVER, 'not ours');
    await keychain.setSessionToken(SERVER, TOKEN);
    await keychain.rememberMeetingPassword(SERVER, 'abc-defg-hjk', 'p4ssw0rdAB');
    const accounts = await keychain.accounts();
    expect(accounts).toEqual(expect.arrayContaining([sessionAccount(SERVER), meetingAccount(SERVER, 'abc-defg-hjk')]));
    expect(accounts.join(' ')).not.toContain(TOKEN);
    expect(await keychain.forgetAll()).toBe(accounts.length);
    expect(await keychain.accounts()).toEqual([]);
    expect(await secretTool(sessionAccount(SERVER))).toBeNull();
    expect(await other.getSessionToken(SERVER)).toBe('not ours');
    await other.forgetAll();
  });

  it('survives a restart: a new process finds what an earlier one stored', async () => {
    await keychain.setSessionToken('wss://probe.example/ws', 'will be overwritten');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/desktop/support/keychain-probe.ts', SERVICE], {
      env: busEnv(),
    });
    expect(JSON.parse(stdout)).toEqual({ status: { available: true, reason: null }, stored: 'stored' });
    expect(await keychain.getSessionToken('wss://probe.example/ws')).toBe('A'.repeat(43));
  });

  it('with no Secret Service, says so and stores nothing (no plain-text fallback)', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/desktop/support/keychain-probe.ts', SERVICE], { env });
    const result = JSON.parse(stdout) as { status: { available: boolean; reason: string }; stored: string };
    expect(result.status.available).toBe(false);
    expect(result.status.reason).toMatch(/D-Bus/);
    expect(result.stored).toMatch(/^KeychainUnavailableError: The system keychain is not available/);
  });

  it('reports a keytar that failed to load as unavailable, for every operation', async () => {
    const none = createKeychain(null, { loadError: 'keytar could not load (libsecret-1.so.0: cannot open)' });
    expect(await none.status()).toEqual({ available: false, reason: expect.stringContaining('libsecret') });
    await expect(none.setSessionToken(SERVER, TOKEN)).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(none.recallMeetingPassword(SERVER, 'abc-defg-hjk')).rejects.toBeInstanceOf(KeychainUnavailableError);
  });
});
