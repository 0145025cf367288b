/**
 * quick-join.ts with stand-ins for its two parameters that are not Electron's
 * (the keychain and the settings) kept minimal: the real ones are exercised
 * by the bridge test.
 */
import { describe, expect, it, vi } from 'vitest';
import type { TrayAction } from '../common/ipc-contract.js';
import { KeychainUnavailableError, type Keychain } from './keychain.js';
import { createQuickJoinHandlers, quickJoinPosition } from './quick-join.js';
import { DEFAULT_PREFERENCES } from './default-preferences.js';
import type { Settings } from './settings.js';

const SERVER = 'wss://meet.example.org/ws';
const ctx = { senderId: undefined };

function deps(options: { direct?: boolean; password?: string | null; token?: string | null; keychain?: boolean } = {}) {
  const delivered: TrayAction[] = [];
  const close = vi.fn();
  const unavailable = () => Promise.reject(new KeychainUnavailableError('no Secret Service'));
  const keychain = {
    recallMeetingPassword: options.keychain === false ? unavailable : async () => options.password ?? null,
    getSessionToken: options.keychain === false ? unavailable : async () => options.token ?? null,
  } as unknown as Keychain;
  const settings = {
    get: () => ({
      defaultServer: SERVER,
      recentMeetings: [{ meetingId: 'abc-defg-hjk', title: null, server: SERVER, at: 1 }],
      preferences: { ...DEFAULT_PREFERENCES, quickJoinDirect: options.direct ?? true },
    }),
  } as unknown as Settings;
  return { delivered, close, handlers: createQuickJoinHandlers({ settings, keychain, deliver: (a) => delivered.push(a), close }) };
}

describe('quick join', () => {
  it('says whether the person is signed in and lists recent meetings, with no secret', async () => {
    expect(await deps({ token: 'A'.repeat(43) }).handlers['quick-join:state']({}, ctx)).toEqual({
      signedIn: true,
      server: SERVER,
      recentMeetings: [{ meetingId: 'abc-defg-hjk', title: null, server: SERVER, at: 1 }],
    });
    expect(await deps({ keychain: false }).handlers['quick-join:state']({}, ctx)).toMatchObject({ signedIn: false });
  });

  it('a typed id and password go straight into the call, or to pre-join as set', async () => {
    for (const direct of [true, false]) {
      const d = deps({ direct });
      await d.handlers['quick-join:submit']({ kind: 'join', server: null, meetingId: 'abc-defg-hjk', password: 'Ab3dE5gH7k' }, ctx);
      expect(d.delivered).toEqual([{ action: 'join', server: null, meetingId: 'abc-defg-hjk', password: 'Ab3dE5gH7k', direct }]);
      expect(d.close).toHaveBeenCalledOnce();
    }
  });

  it('a recent meeting rejoins with the password from the keychain; without one, pre-join asks', async () => {
    const remembered = deps({ password: 'Zz3dE5gH7k' });
    await remembered.handlers['quick-join:submit']({ kind: 'rejoin', server: SERVER, meetingId: 'abc-defg-hjk' }, ctx);
    expect(remembered.delivered).toEqual([{ action: 'join', server: SERVER, meetingId: 'abc-defg-hjk', password: 'Zz3dE5gH7k', direct: true }]);
    const none = deps({ keychain: false });
    await none.handlers['quick-join:submit']({ kind: 'rejoin', server: SERVER, meetingId: 'abc-defg-hjk' }, ctx);
    expect(none.delivered).toEqual([{ action: 'join', server: SERVER, meetingId: 'abc-defg-hjk', password: null, direct: false }]);
  });

  it('"New meeting" and closing', async () => {
    const d = deps();
    await d.handlers['quick-join:submit']({ kind: 'new-meeting' }, ctx);
    expect(d.delivered).toEqual([{ action: 'new-meeting' }]);
    d.handlers['quick-join:close']({}, ctx);
    expect(d.close).toHaveBeenCalledTimes(2);
  });

  it('opens by the tray icon inside the work area, or centred when the tray does not say where it is', () => {
    const work = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(quickJoinPosition({ x: 1800, y: 1045, width: 24, height: 24 }, work)).toEqual({ x: 1540, y: 560 }); // taskbar at the bottom
    expect(quickJoinPosition({ x: 1500, y: 0, width: 22, height: 22 }, { ...work, y: 25 })).toEqual({ x: 1321, y: 26 }); // menu bar
    expect(quickJoinPosition(null, work)).toEqual({ x: 770, y: 280 });
    expect(quickJoinPosition({ x: 0, y: 0, width: 0, height: 0 }, work)).toEqual({ x: 770, y: 280 });
  });
});
