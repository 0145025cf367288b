/**
 * The contract between the preload and the renderer: the name under which the
 * preload exposes its API on `window`, and that API's shape: named methods,
 * each bound to one IPC channel of src/common/ipc-contract.ts. Never a
 * generic `invoke(channel, …)`, never ipcRenderer itself. Environment-free.
 */
import type { EventChannel, EventOf, ReplyOf, RequestOf } from './ipc-contract.js';

/** `window[DESKTOP_BRIDGE_KEY]` holds the bridge inside the desktop app only. */
export const DESKTOP_BRIDGE_KEY = 'merimeet';

/** Unsubscribes an event listener. */
export type Unsubscribe = () => void;

/** What the preload exposes. Every member is a plain value or a narrow function. */
export interface DesktopBridge {
  /** The desktop app's version. */
  readonly version: string;
  getConfig(): Promise<ReplyOf<'config:get'>>;
  getSessionToken(server: string): Promise<string | null>;
  setSessionToken(server: string, token: string): Promise<void>;
  clearSessionToken(server: string): Promise<void>;
  rememberMeetingPassword(server: string, meetingId: string, password: string): Promise<void>;
  recallMeetingPassword(server: string, meetingId: string): Promise<string | null>;
  forgetMeetingPassword(server: string, meetingId: string): Promise<void>;
  addRecentMeeting(server: string, meetingId: string, title: string | null): Promise<void>;
  updateSettings(patch: RequestOf<'settings:update'>): Promise<ReplyOf<'settings:update'>>;
  addServer(url: string, name: string): Promise<ReplyOf<'servers:add'>>;
  removeServer(url: string): Promise<ReplyOf<'servers:remove'>>;
  setDefaultServer(url: string): Promise<ReplyOf<'servers:set-default'>>;
  decideCertificate(host: string, fingerprint: string, trust: boolean): Promise<void>;
  chooseDisplaySource(requestId: number, sourceId: string | null, audio: boolean): Promise<void>;
  reportCallState(state: RequestOf<'call:state'>): Promise<void>;
  notify(kind: 'joined' | 'message', title: string, body: string): Promise<boolean>;
  openExternal(url: string): Promise<boolean>;
  hostLocally(): Promise<ReplyOf<'host:start'>>;
  stopHosting(): Promise<void>;
  listPins(): Promise<ReplyOf<'pins:list'>['pins']>;
  forgetPin(host: string): Promise<void>;
  storedData(): Promise<ReplyOf<'data:summary'>>;
  forgetEverything(): Promise<ReplyOf<'data:forget-everything'>>;
  updateStatus(): Promise<ReplyOf<'update:status'>>;
  checkForUpdates(): Promise<ReplyOf<'update:check'>>;
  restartToUpdate(): Promise<void>;
  /** Quick-join window only. */
  quickJoinState(): Promise<ReplyOf<'quick-join:state'>>;
  quickJoin(request: RequestOf<'quick-join:submit'>): Promise<void>;
  closeQuickJoin(): Promise<void>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventOf<C>) => void): Unsubscribe;
}

/**
 * An IPC call main refused or failed; `code` is stable (see IpcErrorCode).
 * The code is ALSO the message's prefix (`[keychain_unavailable] …`): errors
 * crossing contextBridge keep only their message (custom properties and the
 * class are lost), so the renderer reads the code with bridgeErrorCode().
 */
export class DesktopBridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`[${code}] ${message}`);
    this.name = 'DesktopBridgeError';
  }
}

/** The IpcErrorCode of an error thrown by a bridge method, or null. */
export function bridgeErrorCode(err: unknown): string | null {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return /\[([a-z_]+)\]/.exec(message)?.[1] ?? null;
}
