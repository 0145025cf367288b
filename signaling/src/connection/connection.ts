/**
 * One client's socket: turns frames into checked messages, runs them in
 * order, answers each request exactly once, and protects the server from
 * the client (rate limit, malformed-frame strikes, slow-consumer cut-off).
 */
import type { RawData, WebSocket } from 'ws';
import { AppError } from '../app-error.js';
import type { Authenticated, ProxiedClient, ServerContext } from '../context.js';
import type { Envelope } from '../cluster/frame-link.js';
import {
  CLOSE,
  decodeClientMessage,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
} from '../protocol/index.js';
import { iceRefreshBucket } from '../security/ice-refresh-limit.js';
import { TokenBucket } from '../security/rate-limit.js';
import type { HandlerConnection, Membership, Reply } from '../handlers/handler-connection.js';
import { dispatch } from './dispatch.js';
import { homeForEntry } from './edge-route.js';

/** Malformed frames tolerated before the socket is closed (1008). */
const MAX_STRIKES = 20;
/** Messages dropped for rate before the socket is closed (4008). */
const MAX_RATE_DROPS = 100;
/** Requests waiting behind a slow one (a login's scrypt) before new ones are refused. */
const MAX_BACKLOG = 32;

let nextId = 1;

export class Connection implements HandlerConnection, ProxiedClient {
  readonly id = nextId++;
  principal: Authenticated | null = null;
  membership: Membership | null = null;
  private readonly bucket: TokenBucket;
  /** ice.refresh has its own, much smaller allowance (security/ice-refresh-limit.ts). */
  readonly iceRefreshes: TokenBucket;
  private strikes = 0;
  private rateDrops = 0;
  private lastRateNotice = 0;
  private busy: Promise<void> | null = null;
  /** The socket has closed; a handler still awaiting (the store) must not leave a member behind on it. */
  private closed = false;
  private readonly backlog: ClientMessage[] = [];
  alive = true;
  /** The instance this connection's meeting lives on, when that is another one: frames pass through to it. */
  home: string | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly address: string,
    readonly ctx: ServerContext,
  ) {
    this.bucket = new TokenBucket(ctx.config.messagesPerSecond, ctx.config.messageBurst);
    this.iceRefreshes = iceRefreshBucket(ctx.config.turnTtlSeconds);
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => ctx.logger.debug({ event: 'socket_error', conn: this.id, err: err.message }));
  }

  // ── Outlet: what rooms use ──────────────────────────────────────────────

  send(message: ServerMessage): void {
    if (!this.writable()) return;
    if (message.type === 'error') this.ctx.metrics.errorsSent.inc({ code: message.code });
    let frame: string;
    try {
      frame = JSON.stringify(message);
    } catch (err) {
      // Schemas bound what may be relayed; if something still cannot be
      // serialised, drop that one message rather than the whole process.
      this.ctx.logger.error({ event: 'unserialisable_message', conn: this.id, type: message.type, err: String(err) });
      return;
    }
    this.ws.send(frame);
  }

  /** Open and keeping up; a stalled reader is cut off (buffering without bound would exhaust our memory). */
  private writable(): boolean {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return false;
    if (ws.bufferedAmount <= this.ctx.config.maxBufferedBytes) return true;
    this.ctx.logger.warn({ event: 'slow_consumer', conn: this.id, buffered: ws.bufferedAmount });
    this.ctx.metrics.closes.inc({ code: String(CLOSE.slowConsumer) });
    ws.terminate();
    return false;
  }

  // ── Passing through to the meeting's home (cluster/frame-link.ts) ───────

  fromHome(envelope: Envelope): void {
    if (envelope.kind === 'frame' && envelope.text !== undefined) {
      if (this.writable()) this.ws.send(envelope.text);
    } else if (envelope.kind === 'close') {
      this.leaveHome();
      this.close(envelope.code ?? 1000, envelope.reason ?? '');
    }
  }

  private toHome(text: string): void {
    if (this.home) this.ctx.spread?.link.toHome(this.home, { conn: this.id, kind: 'frame', text });
  }

  /** Starts passing this connection through to `home`, with the frame that found it there. */
  private enterHome(home: string, first: ClientMessage): void {
    const spread = this.ctx.spread!;
    this.home = home;
    spread.proxied.set(this.id, this);
    spread.link.toHome(home, { conn: this.id, kind: 'open', address: this.address, ...(this.principal ? { token: this.principal.token } : {}) });
    this.toHome(JSON.stringify(first));
    this.ctx.logger.debug({ event: 'passing_to_home', conn: this.id, home });
  }

  private leaveHome(): void {
    if (this.home === null) return;
    this.ctx.spread?.link.toHome(this.home, { conn: this.id, kind: 'close' });
    this.ctx.spread?.proxied.delete(this.id);
    this.home = null;
  }

  /** room.join or room.resume in a cluster: here if this instance is the meeting's home, else passed through. */
  private async enter(message: ClientMessage): Promise<Reply> {
    const home = await homeForEntry(this.ctx, message);
    if (home === null || home === this.ctx.spread?.homes.self) return dispatch(this, message);
    if (!this.closed) this.enterHome(home, message);
    return undefined;
  }

  release(): void {
    this.membership = null;
  }

  close(code: number, reason: string): void {
    this.ctx.metrics.closes.inc({ code: String(code) });
    this.ws.close(code, reason);
  }

  // ── Frames in ───────────────────────────────────────────────────────────

  private onFrame(data: RawData, isBinary: boolean): void {
    if (!this.bucket.take()) return this.overRate();
    this.rateDrops = 0;
    if (isBinary) return this.strike('bad_message', 'binary frames are not part of the protocol; send JSON text');
    // The home checks and answers it, as it would its own client's.
    if (this.home && !this.busy) return this.toHome(data.toString());
    const decoded = decodeClientMessage(data.toString());
    if (!decoded.ok) return this.strike(decoded.code, decoded.detail, decoded.rid);
    this.ctx.metrics.messagesIn.inc(decoded.message.type);
    if (this.busy) {
      if (this.backlog.length >= MAX_BACKLOG) {
        return this.error('rate_limited', 'too many requests waiting; wait for replies', decoded.message.rid, 1000);
      }
      this.backlog.push(decoded.message);
      return;
    }
    this.run(decoded.message);
  }

  /** Runs one message; async handlers hold the queue so replies keep request order. */
  private run(message: ClientMessage): void {
    if (this.home) return this.toHome(JSON.stringify(message)); // queued behind the request that found the home
    let result: Reply | Promise<Reply>;
    try {
      const entering = this.ctx.spread && !this.membership && (message.type === 'room.join' || message.type === 'room.resume');
      result = entering ? this.enter(message) : dispatch(this, message);
      if (!(result instanceof Promise)) return this.reply(message, result);
    } catch (err) {
      return this.fail(message, err);
    }
    const busy = result
      .then(
        (reply) => this.reply(message, reply),
        (err: unknown) => this.fail(message, err),
      )
      .finally(() => {
        this.busy = null;
        this.ctx.inflight.delete(busy);
        this.drain();
        // A join or resume that finished after the socket closed put a member (or a log-in) on a dead
        // connection: forget them as the close would have.
        if (this.closed && !this.busy) this.forget();
      });
    this.busy = busy;
    this.ctx.inflight.add(busy);
  }

  private drain(): void {
    while (!this.busy && this.backlog.length > 0) this.run(this.backlog.shift()!);
  }

  /** A request with a `rid` always gets an answer; one without only when there is something to say. */
  private reply(message: ClientMessage, reply: Reply): void {
    if (this.home) return; // the home answers
    const [first, ...rest] = reply === undefined ? [] : Array.isArray(reply) ? reply : [reply];
    // Only replies carry a rid; the protocol's push messages (peerJoined, …) never do.
    if (first) this.send(message.rid === undefined ? first : ({ ...first, rid: message.rid } as ServerMessage));
    else if (message.rid !== undefined) this.send({ type: 'ok', rid: message.rid });
    for (const next of rest) this.send(next);
  }

  private fail(message: ClientMessage, err: unknown): void {
    if (err instanceof AppError) {
      this.error(err.code, err.message, message.rid, err.retryAfterMs);
      return;
    }
    this.ctx.logger.error({ event: 'handler_failed', conn: this.id, type: message.type, err: String(err) });
    this.error('internal', 'the server could not handle this request', message.rid);
  }

  error(code: ErrorCode, message: string, rid?: number, retryAfterMs?: number): void {
    const frame: ServerMessage = { type: 'error', code, message };
    if (rid !== undefined) frame.rid = rid;
    if (retryAfterMs !== undefined) frame.retryAfterMs = retryAfterMs;
    this.send(frame);
  }

  private strike(code: ErrorCode, detail: string, rid?: number): void {
    this.error(code, detail, rid);
    if (++this.strikes >= MAX_STRIKES) this.close(CLOSE.policyViolation, 'too many malformed messages');
  }

  private overRate(): void {
    const now = Date.now();
    // Tell the client once a second, not once per dropped message.
    if (now - this.lastRateNotice >= 1000) {
      this.lastRateNotice = now;
      this.error('rate_limited', 'too many messages; slow down', undefined, this.bucket.waitMs());
    }
    if (++this.rateDrops >= MAX_RATE_DROPS) this.close(CLOSE.rateLimited, 'kept sending too fast');
  }

  // ── Going away ──────────────────────────────────────────────────────────

  private onClose(): void {
    this.closed = true;
    this.ctx.metrics.connections.dec();
    this.forget();
  }

  private forget(): void {
    this.leaveHome();
    if (this.principal) this.ctx.sessions.get(this.principal.accountId)?.delete(this);
    const membership = this.membership;
    this.membership = null;
    if (membership && membership.member.outlet === this) membership.room.disconnected(membership.member);
  }
}
