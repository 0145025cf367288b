/**
 * One Janus API session over one WebSocket: requests matched to replies by
 * transaction, a keepalive that notices a Janus that stopped answering, and
 * plugin handles. Every frame Janus sends is validated (janus-replies.ts);
 * one that does not validate fails its request with `janus_malformed` and is
 * otherwise dropped. The API secret goes into each request and nowhere else.
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import WebSocket from 'ws';
import { JanusReply, describeJanusIssue, type JanusEvent, type JanusJsep, type JanusNotice } from './janus-replies.js';
import { SfuError } from './sfu-error.js';

export interface JanusSessionOptions {
  /** `ws://127.0.0.1:8188` or `ws+unix:///run/janus/api.sock:/`. */
  url: string;
  apiSecret: string | undefined;
  /** How often to keep the session alive; Janus drops sessions silent for its session_timeout (60 s). */
  keepaliveMs: number;
  /** How long any request may wait for its reply. */
  requestTimeoutMs: number;
  /** A frame that failed validation (logged by the caller, with the error's code and data only). */
  onMalformed(error: SfuError): void;
}

/** The reply a plugin request ends with: its plugin data and, for negotiations, a JSEP. */
export interface PluginReply {
  data: Record<string, unknown>;
  jsep?: JanusJsep;
}

interface Pending {
  resolve(reply: JanusReply): void;
  reject(error: SfuError): void;
  /** Plugin requests that Janus handles asynchronously: the `ack` is not the answer, the `event` is. */
  awaitsEvent: boolean;
  timer: ReturnType<typeof setTimeout>;
}

export class JanusSession {
  private readonly pending = new Map<string, Pending>();
  private readonly noticeListeners = new Map<number, (notice: JanusNotice | JanusEvent) => void>();
  private keepalive: ReturnType<typeof setInterval> | undefined;
  private lostError: SfuError | null = null;
  private readonly lostListeners: ((error: SfuError) => void)[] = [];

  /** Janus's session id; 0 until `create` has answered (only `create` is sent before then). */
  private sessionId = 0;

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: JanusSessionOptions,
  ) {}

  get id(): number {
    return this.sessionId;
  }

  /** Opens the socket and creates a session; rejects with `janus_unreachable` or the request's error. */
  static async open(options: JanusSessionOptions): Promise<JanusSession> {
    const ws = new WebSocket(options.url, 'janus-protocol', { handshakeTimeout: options.requestTimeoutMs });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (error) => reject(new SfuError('janus_unreachable', 'could not open the Janus API socket', { cause: error.message })));
    });
    const session = new JanusSession(ws, options);
    session.listen();
    try {
      const created = await session.request({ janus: 'create' });
      const id = created.janus === 'success' ? created.data?.id : undefined;
      if (id === undefined) throw new SfuError('janus_malformed', 'create answered without a session id');
      session.sessionId = id;
      session.startKeepalive();
      return session;
    } catch (error) {
      ws.terminate();
      throw error;
    }
  }

  get lost(): boolean {
    return this.lostError !== null;
  }

  /** Called once, when the socket closes or the keepalive goes unanswered. */
  onLost(listener: (error: SfuError) => void): void {
    if (this.lostError) listener(this.lostError);
    else this.lostListeners.push(listener);
  }

  /** Attaches a handle to the VideoRoom plugin. */
  async attach(): Promise<JanusHandle> {
    const reply = await this.request({ janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: this.id });
    const id = reply.janus === 'success' ? reply.data?.id : undefined;
    if (id === undefined) throw new SfuError('janus_malformed', 'attach answered without a handle id');
    return new JanusHandle(this, id);
  }

  /** Ends the session (its handles go with it) and closes the socket. */
  async close(): Promise<void> {
    if (this.lost) return;
    try {
      await this.request({ janus: 'destroy', session_id: this.id });
    } finally {
      this.markLost(new SfuError('janus_closed', 'session closed by us'));
      this.ws.close();
    }
  }

  /** Events and notices Janus sends to one handle on its own (no transaction of ours). */
  listenTo(handleId: number, listener: ((notice: JanusNotice | JanusEvent) => void) | null): void {
    if (listener) this.noticeListeners.set(handleId, listener);
    else this.noticeListeners.delete(handleId);
  }

  /** Sends one request with a fresh transaction and the secret; resolves with the reply that ends it. */
  request(body: Record<string, unknown>, awaitsEvent = false): Promise<JanusReply> {
    if (this.lostError) return Promise.reject(this.lostError);
    const transaction = randomBytes(9).toString('base64url');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new SfuError('janus_timeout', 'Janus did not answer in time', { request: String(body.janus) }));
      }, this.options.requestTimeoutMs);
      this.pending.set(transaction, { resolve, reject, awaitsEvent, timer });
      const secret = this.options.apiSecret === undefined ? {} : { apisecret: this.options.apiSecret };
      this.ws.send(JSON.stringify({ ...body, transaction, ...secret }));
    });
  }

  private listen(): void {
    this.ws.on('message', (data) => this.receive(String(data)));
    this.ws.on('close', () => this.markLost(new SfuError('janus_closed', 'the Janus API socket closed')));
    // An error is always followed by close; the close is what we act on.
    this.ws.on('error', (error) => this.markLost(new SfuError('janus_closed', 'the Janus API socket failed', { cause: error.message })));
  }

  private startKeepalive(): void {
    this.keepalive = setInterval(() => {
      this.request({ janus: 'keepalive', session_id: this.id }).catch((error: unknown) => {
        // A keepalive that goes unanswered means Janus hangs: treat it as gone.
        if (error instanceof SfuError && error.code === 'janus_timeout') {
          this.markLost(error);
          this.ws.terminate();
        }
      });
    }, this.options.keepaliveMs);
    this.keepalive.unref();
  }

  private receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.options.onMalformed(new SfuError('janus_malformed', 'Janus sent a frame that is not JSON'));
      return;
    }
    const parsed = v.safeParse(JanusReply, json);
    if (!parsed.success) {
      const error = new SfuError('janus_malformed', 'Janus sent a frame the API does not define', {
        janus: typeof (json as { janus?: unknown })?.janus === 'string' ? String((json as { janus: string }).janus).slice(0, 32) : undefined,
        issue: describeJanusIssue(parsed.issues),
      });
      this.options.onMalformed(error);
      const transaction = (json as { transaction?: unknown } | null)?.transaction;
      if (typeof transaction === 'string') this.settle(transaction, (p) => p.reject(error));
      return;
    }
    this.route(parsed.output);
  }

  private route(reply: JanusReply): void {
    const transaction = 'transaction' in reply ? reply.transaction : undefined;
    const pending = transaction === undefined ? undefined : this.pending.get(transaction);
    if (pending && transaction !== undefined) {
      if (reply.janus === 'ack' && pending.awaitsEvent) return; // the event with the answer follows
      this.settle(transaction, (p) => {
        if (reply.janus === 'error') {
          p.reject(new SfuError('janus_error', 'Janus refused a request', { janusCode: reply.error.code, reason: reply.error.reason }));
        } else p.resolve(reply);
      });
      return;
    }
    if ('sender' in reply) this.noticeListeners.get(reply.sender)?.(reply);
    if (reply.janus === 'timeout') this.markLost(new SfuError('janus_timeout', 'Janus timed the session out'));
  }

  private settle(transaction: string, act: (pending: Pending) => void): void {
    const pending = this.pending.get(transaction);
    if (!pending) return;
    this.pending.delete(transaction);
    clearTimeout(pending.timer);
    act(pending);
  }

  private markLost(error: SfuError): void {
    if (this.lostError) return;
    this.lostError = error;
    clearInterval(this.keepalive);
    for (const [transaction] of this.pending) this.settle(transaction, (p) => p.reject(error));
    for (const listener of this.lostListeners.splice(0)) listener(error);
  }
}

/** One VideoRoom plugin handle: plugin messages (with a JSEP or not), trickle, detach. */
export class JanusHandle {
  constructor(
    private readonly session: JanusSession,
    readonly id: number,
  ) {}

  /**
   * A plugin request. `awaitsEvent` for the VideoRoom's asynchronous requests
   * (join, configure, start, update, leave), whose answer is an event.
   * A plugin-level error (`error_code` in its data) rejects.
   */
  async message(body: Record<string, unknown>, options: { jsep?: JanusJsep & { e2ee?: boolean }; awaitsEvent?: boolean } = {}): Promise<PluginReply> {
    const reply = await this.session.request(
      { janus: 'message', session_id: this.session.id, handle_id: this.id, body, ...(options.jsep ? { jsep: options.jsep } : {}) },
      options.awaitsEvent ?? false,
    );
    const plugindata = reply.janus === 'success' || reply.janus === 'event' ? reply.plugindata : undefined;
    if (!plugindata) throw new SfuError('janus_malformed', 'a plugin request was answered without plugin data', { request: String(body.request) });
    const { data } = plugindata;
    if (typeof data.error_code === 'number') {
      throw new SfuError('janus_plugin_error', 'the VideoRoom plugin refused a request', {
        request: String(body.request),
        pluginCode: data.error_code,
        reason: typeof data.error === 'string' ? data.error.slice(0, 256) : undefined,
      });
    }
    return reply.janus === 'event' && reply.jsep ? { data, jsep: reply.jsep } : { data };
  }

  /** One ICE candidate from the client, or `null` once it has gathered them all. */
  async trickle(candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null): Promise<void> {
    await this.session.request({
      janus: 'trickle',
      session_id: this.session.id,
      handle_id: this.id,
      candidate: candidate ?? { completed: true },
    });
  }

  onNotice(listener: ((notice: JanusNotice | JanusEvent) => void) | null): void {
    this.session.listenTo(this.id, listener);
  }

  async detach(): Promise<void> {
    this.session.listenTo(this.id, null);
    if (this.session.lost) return;
    await this.session.request({ janus: 'detach', session_id: this.session.id, handle_id: this.id });
  }
}
