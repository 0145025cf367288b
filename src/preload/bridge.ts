/**
 * Builds the desktop bridge (src/common/desktop-bridge.ts) on top of an
 * ipcRenderer-like object. Each method is bound to ONE channel of the IPC
 * contract; the page can never name a channel itself, so it can reach no
 * handler the contract does not list. Events: only the contract's event
 * channels can be subscribed to, and the listener gets the payload only (never
 * Electron's event object, whose `sender` would be ipcRenderer itself).
 *
 * Events that arrive while nobody listens on their channel are kept (the last
 * EARLY_EVENTS_KEPT) for the first listener: main sends a cold-start invite
 * link as soon as the page has loaded, before the app has rendered and
 * subscribed, and it must not be lost.
 *
 * Plain code (the ipc object is a parameter) so it is unit-tested without
 * Electron, and reused by the bridge test harness in Chromium.
 */
import { APP_VERSION } from '../common/app-info.js';
import { DesktopBridgeError, type DesktopBridge } from '../common/desktop-bridge.js';
import {
  eventChannels,
  type EventChannel,
  type InvokeChannel,
  type IpcEnvelope,
  type ReplyOf,
  type RequestOf,
} from '../common/ipc-contract.js';

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

const EARLY_EVENTS_KEPT = 10;

export function createBridge(ipc: IpcRendererLike): DesktopBridge {
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const early = new Map<EventChannel, unknown[]>();
  for (const name of Object.keys(eventChannels) as EventChannel[]) {
    listeners.set(name, new Set());
    ipc.on(name, (_event: unknown, payload: unknown) => {
      const current = [...listeners.get(name)!];
      if (current.length > 0) for (const listener of current) listener(payload as never);
      else early.set(name, [...(early.get(name) ?? []), payload].slice(-EARLY_EVENTS_KEPT));
    });
  }

  async function call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>> {
    const envelope = (await ipc.invoke(channel, request)) as IpcEnvelope<ReplyOf<C>> | undefined;
    if (envelope?.ok === true) return envelope.value;
    const error = envelope?.ok === false ? envelope.error : { code: 'failed', message: 'no answer' };
    throw new DesktopBridgeError(error.code, error.message);
  }
  const done = (): void => undefined;

  const bridge: DesktopBridge = {
    version: APP_VERSION,
    getConfig: () => call('config:get', {}),
    getSessionToken: async (server) => (await call('session:get', { server })).token,
    setSessionToken: (server, token) => call('session:set', { server, token }).then(done),
    clearSessionToken: (server) => call('session:clear', { server }).then(done),
    rememberMeetingPassword: (server, meetingId, password) =>
      call('meeting-password:remember', { server, meetingId, password }).then(done),
    recallMeetingPassword: async (server, meetingId) => (await call('meeting-password:recall', { server, meetingId })).password,
    forgetMeetingPassword: (server, meetingId) => call('meeting-password:forget', { server, meetingId }).then(done),
    addRecentMeeting: (server, meetingId, title) => call('recent:add', { server, meetingId, title }).then(done),
    updateSettings: (patch) => call('settings:update', patch),
    addServer: (url, name) => call('servers:add', { url, name }),
    removeServer: (url) => call('servers:remove', { url }),
    setDefaultServer: (url) => call('servers:set-default', { url }),
    decideCertificate: (host, fingerprint, trust) => call('certificate:decide', { host, fingerprint, trust }).then(done),
    chooseDisplaySource: (requestId, sourceId, audio) => call('picker:choose', { requestId, sourceId, audio }).then(done),
    reportCallState: (state) => call('call:state', state).then(done),
    notify: async (kind, title, body) => (await call('notify', { kind, title, body })).shown,
    openExternal: async (url) => (await call('link:open', { url })).opened,
    hostLocally: () => call('host:start', {}),
    stopHosting: () => call('host:stop', {}).then(done),
    listPins: async () => (await call('pins:list', {})).pins,
    forgetPin: (host) => call('pins:forget', { host }).then(done),
    storedData: () => call('data:summary', {}),
    forgetEverything: () => call('data:forget-everything', {}),
    updateStatus: () => call('update:status', {}),
    checkForUpdates: () => call('update:check', {}),
    restartToUpdate: () => call('update:restart', {}).then(done),
    quickJoinState: () => call('quick-join:state', {}),
    quickJoin: (request) => call('quick-join:submit', request).then(done),
    closeQuickJoin: () => call('quick-join:close', {}).then(done),
    on: (channel, listener) => {
      if (!Object.hasOwn(eventChannels, channel)) throw new DesktopBridgeError('unknown_channel', 'unknown event');
      const name: EventChannel = channel;
      const subscribed = listeners.get(name)!;
      const own = (payload: never): void => listener(payload);
      subscribed.add(own);
      const kept = early.get(name);
      early.delete(name);
      // After `on` returns, so the caller holds its unsubscribe before anything arrives.
      if (kept) queueMicrotask(() => kept.forEach((payload) => subscribed.has(own) && own(payload as never)));
      return () => {
        subscribed.delete(own);
      };
    },
  };
  return Object.freeze(bridge);
}
