/**
 * A real WebSocket client over TLS that speaks the protocol: requests get a
 * rid and resolve with their reply; everything else can be awaited by type.
 */
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import {
  SUBPROTOCOL,
  type ClientMessage,
  type ServerMessage,
  type ServerMessageOf,
  type ServerMessageType,
} from '../../../signaling/src/protocol/index.js';

type Waiter = { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void };
/** Distributes Omit over a union, so each message keeps its own fields. */
type WithoutRid<T> = T extends unknown ? Omit<T, 'rid'> : never;

export class TestClient {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private unread: ServerMessage[] = [];
  private waiters: Waiter[] = [];
  private nextRid = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(message);
      const waiter = this.waiters.find((w) => w.match(message));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      } else {
        this.unread.push(message);
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(
    url: string,
    ca: string,
    options: { protocol?: string | null; autoPong?: boolean; localAddress?: string } = {},
  ): Promise<TestClient> {
    const protocols = options.protocol === null ? [] : [options.protocol ?? SUBPROTOCOL];
    const ws = new WebSocket(url, protocols, {
      ca,
      autoPong: options.autoPong ?? true,
      localAddress: options.localAddress,
    });
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Sends a request and resolves with the reply that carries its rid (ok, error, or data). */
  async request(message: WithoutRid<ClientMessage>, timeoutMs = 10_000): Promise<ServerMessage> {
    const rid = this.nextRid++;
    const reply = this.next((m) => 'rid' in m && m.rid === rid, timeoutMs, `reply to ${message.type}`);
    this.send({ ...message, rid });
    return reply;
  }

  /** Like request, but fails the test unless the reply has the expected type. */
  async expect<T extends ServerMessageType>(type: T, message: WithoutRid<ClientMessage>, timeoutMs?: number): Promise<ServerMessageOf<T>> {
    const reply = await this.request(message, timeoutMs);
    if (reply.type !== type) throw new Error(`${message.type}: expected ${type}, got ${JSON.stringify(reply)}`);
    return reply as ServerMessageOf<T>;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message (already received and unread, or still to come) that matches. */
  next(match: (m: ServerMessage) => boolean, timeoutMs = 10_000, what = 'message'): Promise<ServerMessage> {
    const index = this.unread.findIndex(match);
    if (index >= 0) return Promise.resolve(this.unread.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      waiter.resolve = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(waiter);
    });
  }

  nextOf<T extends ServerMessageType>(type: T, timeoutMs = 10_000): Promise<ServerMessageOf<T>> {
    return this.next((m) => m.type === type, timeoutMs, type) as Promise<ServerMessageOf<T>>;
  }

  /** Unread messages of a type, without waiting (for "nothing arrived" checks). */
  pending(type?: ServerMessageType): ServerMessage[] {
    return type ? this.unread.filter((m) => m.type === type) : [...this.unread];
  }

  close(): void {
    this.ws.close();
  }
}

/** What a real client derives from the meeting password; here simply random. */
export function newMeetingKey(): { admissionKey: string; verifier: string } {
  const key = randomBytes(32);
  return { admissionKey: key.toString('base64url'), verifier: createHash('sha256').update(key).digest('base64url') };
}
