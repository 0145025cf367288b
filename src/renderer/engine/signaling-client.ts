/**
 * The client end of the signaling socket (docs/protocol.md §1–§3, §9.8–§9.10).
 *
 * Jobs, and only these: open a `merimeet.v1` WebSocket; turn requests into
 * promises (a `rid` per request, resolved by the reply with that `rid`,
 * rejected by an `error` with it, or by a timeout — the server may drop a
 * request without answering, §3.3); validate every incoming frame with the
 * protocol's own schema (invalid frames are dropped and counted, never fatal);
 * notice dead sockets with an app-level ping (browsers never expose ws
 * pings); and reconnect with exponential back-off and jitter after any close
 * we did not ask for. What to send after a reconnect (account.resume,
 * room.resume) is the engine's business: this class only says "open again".
 *
 * The WebSocket constructor is injected so the reconnect logic can be tested
 * in Node with a fake socket.
 */
import { CLOSE, SUBPROTOCOL, decodeServerMessage, type ServerMessage } from '@merimeet/signaling/protocol';
import { DEFAULT_BACKOFF, backoffDelay, isTerminalClose, type BackoffOptions } from './reconnect-backoff.js';
import {
  SignalingError,
  type ConnectionState,
  type LocalErrorCode,
  type MessageListener,
  type OpenListener,
  type OutgoingMessage,
  type SignalingConnection,
  type StateListener,
  type WebSocketFactory,
  type WebSocketLike,
} from './signaling-connection.js';

// Importers keep one place to import the client's whole surface from.
export { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './reconnect-backoff.js';

/** Unanswered pings after which the socket counts as dead (startPing). */
const PINGS_BEFORE_DEAD = 2;
export {
  SignalingError,
  type ConnectionState,
  type LocalErrorCode,
  type OpenInfo,
  type OutgoingMessage,
  type SignalingConnection,
  type WebSocketFactory,
  type WebSocketLike,
} from './signaling-connection.js';

/** WebSocket.OPEN; a constant so fakes need not define the statics. */
const OPEN = 1;

export interface SignalingClientOptions {
  url: string;
  createSocket?: WebSocketFactory;
  /** Reconnect after an unexpected close (default true). One-shot account helpers turn it off. */
  reconnect?: boolean;
  backoff?: BackoffOptions;
  random?: () => number;
  /** App-level ping period; a socket that stays silent through two pings (two whole periods) is dead. */
  pingIntervalMs?: number;
  requestTimeoutMs?: number;
}

interface Pending {
  resolve: (m: ServerMessage) => void;
  reject: (e: SignalingError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const defaultFactory: WebSocketFactory = (url, protocol) => new WebSocket(url, protocol) as unknown as WebSocketLike;

export class SignalingClient implements SignalingConnection {
  private socket: WebSocketLike | null = null;
  private _state: ConnectionState = 'idle';
  private nextRid = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly messageListeners = new Set<MessageListener>();
  private readonly openListeners = new Set<OpenListener>();
  private attempt = 0;
  private everOpened = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  /** Pings sent since the last frame came in (any frame clears it). */
  private unansweredPings = 0;
  /** From `server.draining`: wait about this long before the next attempt. */
  private drainHintMs: number | null = null;
  /** Frames that failed validation (not JSON, or not a server message). */
  droppedFrames = 0;

  private readonly createSocket: WebSocketFactory;
  private readonly opts: Required<Omit<SignalingClientOptions, 'createSocket'>>;

  constructor(options: SignalingClientOptions) {
    this.createSocket = options.createSocket ?? defaultFactory;
    this.opts = {
      url: options.url,
      reconnect: options.reconnect ?? true,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      random: options.random ?? Math.random,
      pingIntervalMs: options.pingIntervalMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    };
  }

  get state(): ConnectionState {
    return this._state;
  }

  /**
   * Opens the socket. Resolves once open; rejects (`unreachable`) if the
   * first attempt closes before opening — a join should fail visibly rather
   * than retry forever against a wrong address. Reconnects only ever follow
   * a connection that was open.
   */
  connect(): Promise<void> {
    if (this._state !== 'idle') return Promise.reject(new SignalingError('not_connected', `cannot connect from state ${this._state}`));
    this.setState('connecting');
    return new Promise<void>((resolve, reject) => {
      const offOpen = this.onOpen(() => {
        offOpen();
        offState();
        resolve();
      });
      const offState = this.onState((state, detail) => {
        if (state === 'closed') {
          offOpen();
          offState();
          reject(new SignalingError(detail.closeCode === CLOSE.protocolError ? 'bad_message' : 'unreachable', 'could not reach the signaling server'));
        }
      });
      this.openSocket();
    });
  }

  /** Sends a request and waits for its reply. An `error` reply rejects with its code. */
  request(message: OutgoingMessage, timeoutMs = this.opts.requestTimeoutMs): Promise<ServerMessage> {
    if (!this.isOpen()) return Promise.reject(new SignalingError('not_connected', 'the signaling connection is not open'));
    const rid = this.nextRid;
    this.nextRid = this.nextRid >= 2 ** 31 - 1 ? 1 : this.nextRid + 1;
    return new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new SignalingError('timeout', `no reply to ${message.type}`));
      }, timeoutMs);
      this.pending.set(rid, { resolve, reject, timer });
      this.socket!.send(JSON.stringify({ ...message, rid }));
    });
  }

  /** Fire and forget (no `rid`): `signal`, `presence.update`. False if the socket is not open. */
  send(message: OutgoingMessage): boolean {
    if (!this.isOpen()) return false;
    this.socket!.send(JSON.stringify(message));
    return true;
  }

  onMessage(listener: MessageListener): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }
  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  onOpen(listener: OpenListener): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  /**
   * While reconnecting and waiting for the next attempt: make it now. The
   * back-off is not reset, so if this attempt fails the next one waits as
   * long as it would have.
   */
  retryNow(): void {
    if (this._state !== 'reconnecting' || this.reconnectTimer === null) return;
    this.clearReconnect();
    this.openSocket();
  }

  /** Closes for good: no reconnect; pending requests are rejected. */
  close(): void {
    if (this._state === 'closed') return;
    this.clearReconnect();
    const socket = this.socket;
    this.detach();
    socket?.close(1000, 'bye');
    this.failPending('disconnected');
    this.setState('closed', {});
  }

  private isOpen(): boolean {
    return this._state === 'open' && this.socket !== null && this.socket.readyState === OPEN;
  }

  private openSocket(): void {
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.opts.url, SUBPROTOCOL);
    } catch {
      // A malformed URL throws synchronously: nothing to retry.
      this.detach();
      this.setState('closed', {});
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.handleOpen(socket);
    socket.onmessage = (ev) => this.handleFrame(ev.data);
    socket.onclose = (ev) => this.handleClose(socket, ev.code);
    socket.onerror = () => {
      /* onclose follows; that is where we act */
    };
  }

  private handleOpen(socket: WebSocketLike): void {
    if (socket !== this.socket) return;
    const reconnected = this.everOpened;
    this.everOpened = true;
    this.attempt = 0;
    this.drainHintMs = null;
    this.setState('open');
    this.startPing();
    for (const l of [...this.openListeners]) l({ reconnected });
  }

  private handleFrame(data: unknown): void {
    this.unansweredPings = 0;
    if (typeof data !== 'string') {
      this.droppedFrames++;
      return;
    }
    const decoded = decodeServerMessage(data);
    if (!decoded.ok) {
      this.droppedFrames++;
      return;
    }
    const message = decoded.message;
    if (message.type === 'server.draining') {
      // The close (1012) follows; reconnect after about the time the server asks for.
      this.drainHintMs = message.reconnectInMs;
    }
    const rid = 'rid' in message ? message.rid : undefined;
    if (rid !== undefined) {
      const waiting = this.pending.get(rid);
      if (waiting) {
        this.pending.delete(rid);
        clearTimeout(waiting.timer);
        if (message.type === 'error') waiting.reject(new SignalingError(message.code, message.message, message.retryAfterMs));
        else waiting.resolve(message);
        return;
      }
    }
    if (message.type === 'pong') return;
    for (const l of [...this.messageListeners]) l(message);
  }

  private handleClose(socket: WebSocketLike, code: number): void {
    if (socket !== this.socket) return;
    this.detach();
    this.failPending('disconnected');
    if (!this.everOpened || !this.opts.reconnect || isTerminalClose(code)) {
      this.setState('closed', { closeCode: code });
      return;
    }
    // Also reached when a reconnect attempt fails before opening: back off further.
    if (this._state === 'open') console.warn(`meriMeet: the connection to the meeting server closed (code ${code}); reconnecting`);
    this.setState('reconnecting', { closeCode: code });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.clearReconnect();
    let delay = backoffDelay(this.attempt, this.opts.random, this.opts.backoff);
    if (this.drainHintMs !== null) {
      // Draining: the server told us when it expects to be back; add jitter.
      delay = this.drainHintMs + Math.round(this.opts.random() * this.opts.backoff.initialMs * 2);
      this.drainHintMs = null;
    }
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.openSocket();
    }, delay);
  }

  private startPing(): void {
    this.stopPing();
    this.unansweredPings = 0;
    this.pingTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket || this._state !== 'open') return;
      if (this.unansweredPings >= PINGS_BEFORE_DEAD) {
        // Nothing at all arrived through two pings: the socket is dead (sleep, network
        // change) even if the browser has not noticed. Don't wait for a close handshake
        // that will never come. Not after one: a page whose main thread stalls for seconds
        // (a busy call on a small machine) may run this timer before the answer it queued.
        socket.close(4000, 'ping timeout');
        console.warn(`meriMeet: nothing from the meeting server through ${PINGS_BEFORE_DEAD} pings ${this.opts.pingIntervalMs} ms apart; reconnecting`);
        this.handleClose(socket, 1006);
        return;
      }
      this.unansweredPings++;
      socket.send(JSON.stringify({ type: 'ping' }));
    }, this.opts.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /** Forget the socket: its late events must not reach us. */
  private detach(): void {
    this.stopPing();
    const s = this.socket;
    if (s) {
      s.onopen = null;
      s.onmessage = null;
      s.onclose = null;
      s.onerror = null;
    }
    this.socket = null;
  }

  private failPending(code: LocalErrorCode): void {
    for (const [rid, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SignalingError(code, 'the signaling connection closed'));
      this.pending.delete(rid);
    }
  }

  private setState(state: ConnectionState, detail: { closeCode?: number } = {}): void {
    if (state === this._state) return;
    this._state = state;
    for (const l of [...this.stateListeners]) l(state, detail);
  }
}
