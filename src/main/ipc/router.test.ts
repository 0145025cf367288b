import { describe, expect, it, vi } from 'vitest';
import { invokeChannels, QUICK_JOIN_CHANNELS, type DesktopConfig, type InvokeChannel } from '../../common/ipc-contract.js';
import { DEFAULT_PREFERENCES } from '../default-preferences.js';
import { createIpcRouter, IpcError, type Handlers, type IpcMainLike, type IpcSenderEvent } from './router.js';

const APP = 'app://merimeet';
const SERVER = 'wss://meet.example.org/ws';
const TOKEN = 'A'.repeat(43);

const config: DesktopConfig = {
  version: '1.0.0',
  displayName: null,
  devices: { cameraId: null, micId: null, speakerId: null },
  servers: [],
  defaultServer: null,
  recentMeetings: [],
  preferences: DEFAULT_PREFERENCES,
  keychain: { available: true, reason: null },
};

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const ok = () => null;
  return {
    'config:get': () => config,
    'session:get': () => ({ token: TOKEN }),
    'session:set': ok,
    'session:clear': ok,
    'meeting-password:remember': ok,
    'meeting-password:recall': () => ({ password: null }),
    'meeting-password:forget': ok,
    'recent:add': ok,
    'settings:update': () => config,
    'servers:add': () => config,
    'servers:remove': () => config,
    'servers:set-default': () => config,
    'certificate:decide': ok,
    'picker:choose': ok,
    'call:state': ok,
    notify: () => ({ shown: false }),
    'link:open': () => ({ opened: false }),
    'host:start': () => ({ server: 'wss://localhost:8443/ws', fingerprint: `${'AB:'.repeat(31)}AB` }),
    'host:stop': ok,
    'pins:list': () => ({ pins: [] }),
    'pins:forget': ok,
    'data:summary': () => ({
      settingsFile: '/x/settings.json',
      servers: 0,
      recentMeetings: 0,
      pins: 0,
      keychain: { available: true, sessions: [], meetingPasswords: 0 },
    }),
    'data:forget-everything': () => config,
    'update:status': () => ({ state: 'disabled', version: null, percent: null, error: null }),
    'update:check': () => ({ state: 'disabled', version: null, percent: null, error: null }),
    'update:restart': ok,
    'quick-join:state': () => ({ signedIn: false, server: null, recentMeetings: [] }),
    'quick-join:submit': ok,
    'quick-join:close': ok,
    ...overrides,
  };
}

const fromApp: IpcSenderEvent = { senderFrame: { url: `${APP}/index.html`, parent: null }, sender: { id: 1 } };

describe('IPC router', () => {
  it('runs a valid call from the app frame and returns the handler value', async () => {
    const set = vi.fn(() => null);
    const router = createIpcRouter({ handlers: handlers({ 'session:set': set }), appOrigin: APP });
    await expect(router.dispatch('session:set', fromApp, { server: SERVER, token: TOKEN })).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(set).toHaveBeenCalledWith({ server: SERVER, token: TOKEN }, { senderId: 1 });
  });

  it('lets the quick-join window call its own three channels only, and the main window all but those', async () => {
    const router = createIpcRouter({ handlers: handlers(), appOrigin: APP });
    const quick: IpcSenderEvent = { senderFrame: { url: `${APP}/index.html?window=quick-join`, parent: null } };
    expect(await router.dispatch('quick-join:state', quick, {})).toMatchObject({ ok: true });
    expect(await router.dispatch('quick-join:close', quick, {})).toMatchObject({ ok: true });
    for (const channel of ['session:get', 'meeting-password:recall', 'config:get', 'data:forget-everything'] as InvokeChannel[]) {
      const payload = channel.startsWith('session') || channel.startsWith('meeting') ? { server: SERVER, meetingId: 'abc-defg-hjk' } : {};
      expect(await router.dispatch(channel, quick, payload)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    }
    for (const channel of QUICK_JOIN_CHANNELS) {
      expect(await router.dispatch(channel, fromApp, {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    }
  });

  it.each(['session:steal', 'constructor', '__proto__', 'toString', '', 42, null])('rejects unknown channel %j', async (channel) => {
    const log = vi.fn();
    const router = createIpcRouter({ handlers: handlers(), appOrigin: APP, log });
    const result = await router.dispatch(channel, fromApp, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(log).toHaveBeenCalledWith(expect.objectContaining({ code: 'unknown_channel' }));
  });

  const foreign: [string, IpcSenderEvent][] = [
    ['a remote page', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a look-alike scheme', { senderFrame: { url: 'apps://merimeet/index.html', parent: null } }],
    ['a look-alike host', { senderFrame: { url: 'app://merimeet.evil/index.html', parent: null } }],
    ['a file:// page', { senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
    ['an app subframe', { senderFrame: { url: `${APP}/index.html`, parent: { url: `${APP}/index.html` } } }],
    ['a destroyed frame', { senderFrame: null }],
    ['about:blank', { senderFrame: { url: 'about:blank', parent: null } }],
    ['a data: URL', { senderFrame: { url: 'data:text/html,hi', parent: null } }],
  ];
  it.each(foreign)('rejects a call from %s, without running the handler', async (_what, event) => {
    const get = vi.fn(() => ({ token: TOKEN }));
    const router = createIpcRouter({ handlers: handlers({ 'session:get': get }), appOrigin: APP });
    const result = await router.dispatch('session:get', event, { server: SERVER });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(get).not.toHaveBeenCalled();
  });

  const bad: [string, string, unknown][] = [
    ['no payload', 'session:get', undefined],
    ['a string payload', 'session:get', SERVER],
    ['an extra key', 'session:get', { server: SERVER, path: '/etc/passwd' }],
    ['a ws: server off loopback', 'session:get', { server: 'ws://meet.example.org/ws' }],
    ['an https server', 'session:get', { server: 'https://meet.example.org/ws' }],
    ['credentials in the server', 'session:get', { server: 'wss://u:p@meet.example.org/ws' }],
    ['a token of the wrong shape', 'session:set', { server: SERVER, token: 'short' }],
    ['a huge token', 'session:set', { server: SERVER, token: 'A'.repeat(100_000) }],
    ['a bad meeting id', 'meeting-password:recall', { server: SERVER, meetingId: '../../x' }],
    ['a password with a newline', 'meeting-password:remember', { server: SERVER, meetingId: 'abc-defg-hjk', password: 'a\nb' }],
    ['a non-boolean preference', 'settings:update', { preferences: { startMuted: 'yes', closeToTray: true, launchAtLogin: false } }],
    ['a lower-case fingerprint', 'certificate:decide', { host: 'h', fingerprint: `${'ab:'.repeat(31)}ab`, trust: true }],
    ['a prototype-polluting key', 'call:state', JSON.parse('{"__proto__":{"x":1},"inCall":true,"muted":false,"cameraOff":false,"meetingId":null}')],
    ['an unknown notify kind', 'notify', { kind: 'alert', title: 't', body: 'b' }],
  ];
  it.each(bad)('rejects %s as bad_request', async (_what, channel, payload) => {
    const router = createIpcRouter({ handlers: handlers(), appOrigin: APP });
    const result = await router.dispatch(channel, fromApp, payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('turns an IpcError into its code and hides other errors behind "failed"', async () => {
    const router = createIpcRouter({
      handlers: handlers({
        'session:get': () => {
          throw new IpcError('keychain_unavailable', 'no keychain');
        },
        'session:clear': () => {
          throw new Error('internal detail /home/x/.secret');
        },
      }),
      appOrigin: APP,
    });
    await expect(router.dispatch('session:get', fromApp, { server: SERVER })).resolves.toEqual({
      ok: false,
      error: { code: 'keychain_unavailable', message: 'no keychain' },
    });
    const failed = await router.dispatch('session:clear', fromApp, { server: SERVER });
    expect(failed).toEqual({ ok: false, error: { code: 'failed', message: 'the request failed' } });
  });

  it('never sends a reply the contract does not declare (an extra field is refused)', async () => {
    const router = createIpcRouter({
      handlers: handlers({ 'session:get': () => ({ token: TOKEN, password: 'leak' }) as never }),
      appOrigin: APP,
    });
    await expect(router.dispatch('session:get', fromApp, { server: SERVER })).resolves.toMatchObject({
      ok: false,
      error: { code: 'failed' },
    });
  });

  it('registers exactly the declared channels with ipcMain, checks arity, and removes them again', async () => {
    const registered = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>>();
    const ipcMain: IpcMainLike = {
      handle: (channel, listener) => registered.set(channel, listener),
      removeHandler: (channel) => registered.delete(channel),
    };
    const router = createIpcRouter({ handlers: handlers(), appOrigin: APP });
    const unregister = router.register(ipcMain);
    expect([...registered.keys()].sort()).toEqual(Object.keys(invokeChannels).sort());
    const listener = registered.get('session:get');
    await expect(listener?.(fromApp, { server: SERVER })).resolves.toEqual({ ok: true, value: { token: TOKEN } });
    await expect(listener?.(fromApp, { server: SERVER }, 'extra')).resolves.toMatchObject({ error: { code: 'bad_request' } });
    unregister();
    expect(registered.size).toBe(0);
  });
});
