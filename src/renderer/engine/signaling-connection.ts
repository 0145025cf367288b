/**
 * The signaling connection as the call engine sees it (SignalingConnection,
 * which the engine's tests fake), the socket it is built on (WebSocketLike,
 * which the client's tests fake), and how its requests fail (SignalingError).
 * signaling-client.ts implements it.
 */
import type { ClientMessage, ErrorCode, ServerMessage } from '@merimeet/signaling/protocol';

/** A client message without `rid`: the client assigns it. Distributes over the union. */
export type OutgoingMessage = ClientMessage extends infer M ? (M extends unknown ? Omit<M, 'rid'> : never) : never;

/** The part of the browser WebSocket this client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketFactory = (url: string, protocol: string) => WebSocketLike;

/**
 * - `idle`: never connected. `connecting`: the first attempt.
 * - `open`: ready for requests.
 * - `reconnecting`: an open socket was lost; retrying with back-off.
 * - `closed`: for good (close() was called, or a close code that must not be retried).
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Local failures that are not protocol error codes. */
export type LocalErrorCode = 'timeout' | 'disconnected' | 'not_connected' | 'unreachable' | 'replaced';

/** Rejection of {@link SignalingClient.request}: carries the server's code, or a local one. */
export class SignalingError extends Error {
  override readonly name = 'SignalingError';
  constructor(
    readonly code: ErrorCode | LocalErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface OpenInfo {
  /** True when this open follows a lost connection: the engine must resume. */
  reconnected: boolean;
}

export type StateListener = (state: ConnectionState, detail: { closeCode?: number }) => void;
export type MessageListener = (message: ServerMessage) => void;
export type OpenListener = (info: OpenInfo) => void;

/** What the call engine needs from a signaling connection (the engine's tests fake this). */
export interface SignalingConnection {
  readonly state: ConnectionState;
  connect(): Promise<void>;
  request(message: OutgoingMessage, timeoutMs?: number): Promise<ServerMessage>;
  send(message: OutgoingMessage): boolean;
  onMessage(listener: MessageListener): () => void;
  onState(listener: StateListener): () => void;
  onOpen(listener: OpenListener): () => void;
  /** While reconnecting: try now instead of waiting out the back-off (a person pressed "Try again"). */
  retryNow?(): void;
  close(): void;
}
