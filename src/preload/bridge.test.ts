import { describe, expect, it, vi } from 'vitest';
import { bridgeErrorCode, DesktopBridgeError } from '../common/desktop-bridge.js';
import { invokeChannels } from '../common/ipc-contract.js';
import { createBridge, type IpcRendererLike } from './bridge.js';

const SERVER = 'wss://meet.example.org/ws';

function fakeIpc(answer: (channel: string, payload: unknown) => unknown) {
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipc: IpcRendererLike & { emit(channel: string, payload: unknown): void } = {
    invoke: vi.fn(async (channel: string, payload: unknown) => answer(channel, payload)),
    on: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
    },
    emit: (channel, payload) => listeners.get(channel)?.forEach((l) => l({ sender: 'ipcRenderer!' }, payload)),
  };
  return ipc;
}

describe('preload bridge', () => {
  it('exposes named methods and plain values only: no invoke/send, no ipcRenderer', () => {
    const bridge = createBridge(fakeIpc(() => ({ ok: true, value: null })));
    expect(Object.isFrozen(bridge)).toBe(true);
    for (const [key, value] of Object.entries(bridge)) {
      expect(['function', 'string']).toContain(typeof value);
      expect(key).not.toMatch(/^(invoke|send|sendSync|ipc|ipcRenderer)$/);
    }
  });

  it('calls each method on its own channel and unwraps the answer', async () => {
    const ipc = fakeIpc((channel) =>
      channel === 'session:get' ? { ok: true, value: { token: 'T' } } : { ok: true, value: null },
    );
    const bridge = createBridge(ipc);
    await expect(bridge.getSessionToken(SERVER)).resolves.toBe('T');
    await bridge.setSessionToken(SERVER, 'x');
    await bridge.rememberMeetingPassword(SERVER, 'abc-defg-hjk', 'pw');
    expect(vi.mocked(ipc.invoke).mock.calls).toEqual([
      ['session:get', { server: SERVER }],
      ['session:set', { server: SERVER, token: 'x' }],
      ['meeting-password:remember', { server: SERVER, meetingId: 'abc-defg-hjk', password: 'pw' }],
    ]);
    for (const [channel] of vi.mocked(ipc.invoke).mock.calls) expect(Object.keys(invokeChannels)).toContain(channel);
  });

  it('turns a refusal into a DesktopBridgeError with the code', async () => {
    const bridge = createBridge(fakeIpc(() => ({ ok: false, error: { code: 'keychain_unavailable', message: 'no keychain' } })));
    const error = await bridge.getSessionToken(SERVER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DesktopBridgeError);
    expect(error).toMatchObject({ code: 'keychain_unavailable', message: '[keychain_unavailable] no keychain' });
    // What survives contextBridge (only the message) still carries the code.
    expect(bridgeErrorCode(new Error((error as Error).message))).toBe('keychain_unavailable');
    expect(bridgeErrorCode(new Error('Error invoking remote method: [forbidden_sender] no'))).toBe('forbidden_sender');
    expect(bridgeErrorCode(new Error('plain'))).toBeNull();
    const none = await createBridge(fakeIpc(() => undefined)).getConfig().catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 'failed' });
  });

  it('delivers event payloads without the Electron event, and unsubscribes', () => {
    const ipc = fakeIpc(() => null);
    const bridge = createBridge(ipc);
    const seen: unknown[] = [];
    const off = bridge.on('tray:action', (payload) => seen.push(payload));
    ipc.emit('tray:action', { action: 'toggle-mic' });
    expect(seen).toEqual([{ action: 'toggle-mic' }]);
    off();
    ipc.emit('tray:action', { action: 'leave' });
    expect(seen).toEqual([{ action: 'toggle-mic' }]);
  });

  it('keeps events that came before anyone listened (a cold-start invite) for the first listener, once', async () => {
    const ipc = fakeIpc(() => null);
    const bridge = createBridge(ipc);
    const link = { server: null, meetingId: 'abc-defg-hjk', password: 'Ab3dE5gH7k' };
    ipc.emit('deep-link', link);
    for (let i = 0; i < 12; i++) ipc.emit('tray:action', { action: 'toggle-mic', n: i });
    const links: unknown[] = [];
    const actions: unknown[] = [];
    bridge.on('deep-link', (payload) => links.push(payload));
    bridge.on('tray:action', (payload) => actions.push(payload));
    expect(links).toEqual([]); // not during `on`
    await Promise.resolve();
    expect(links).toEqual([link]);
    expect(actions).toHaveLength(10); // the last ten only
    expect(actions[0]).toMatchObject({ n: 2 });
    bridge.on('deep-link', (payload) => links.push(payload));
    await Promise.resolve();
    expect(links).toEqual([link]); // handed out once
  });

  it('refuses to subscribe to a channel the contract does not list', () => {
    const bridge = createBridge(fakeIpc(() => null));
    expect(() => bridge.on('session:get' as never, () => undefined)).toThrow(DesktopBridgeError);
  });
});
