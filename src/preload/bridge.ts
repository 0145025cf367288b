/**
 * Builds the desktop bridge (src/common/desktop-bridge.ts) on top of an
 * ipcRenderer-like object. Each method is bound to ONE channel of the IPC
 * contract; the page can never name a channel itself, so it can reach no
 * handler the contract does not list. Events: only the contract's event
 * channels can be subscribed to, and the listener gets the payload only (never
 * Electron's event object, whose `sender` would be ipcRenderer itself).
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
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): DesktopBridge {
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
    on: (channel, listener) => {
      if (!Object.hasOwn(eventChannels, channel)) throw new DesktopBridgeError('unknown_channel', 'unknown event');
      const name: EventChannel = channel;
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload as never);
      ipc.on(name, wrapped);
      return () => {
        ipc.removeListener(name, wrapped);
      };
    },
  };
  return Object.freeze(bridge);
}
