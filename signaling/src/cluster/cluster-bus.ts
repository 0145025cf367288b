/**
 * The link between the instances of a cluster: a NATS connection that
 * carries small JSON events (throttle counts, removal bans) to every other
 * instance. Each event names the instance that sent it, so an instance never
 * applies its own events twice. Events are validated on arrival: another
 * instance is trusted no more than a client (a NATS account may be shared).
 *
 * What travels here is what one server already holds in memory and writes to
 * its log (meeting ids, usernames, client addresses); never a password, a key,
 * a token, chat or media. Subjects carry no data at all, only the topic.
 */
import { randomBytes } from 'node:crypto';
import { connect, JSONCodec, type NatsConnection, type Subscription } from 'nats';
import * as v from 'valibot';
import type { Logger } from '../observability/logger.js';
import { natsConnectOptions } from './nats-options.js';

/** Bumped when an event's shape changes, so two versions in one rolling upgrade ignore each other's events. */
const SUBJECT_PREFIX = 'merimeet.v1';
/** A NATS server that restarts is back in a second or two; retry this often, forever. */
const RECONNECT_WAIT_MS = 250;
/** The first connection at start-up: past this the instance refuses to start, saying why. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Bounds one event: a throttle key is a username or an address, a ban a few fields. */
const MAX_EVENT_BYTES = 4096;

const EventSchema = v.object({
  from: v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/)),
  kind: v.pipe(v.string(), v.maxLength(64)),
  op: v.pipe(v.string(), v.maxLength(32)),
  args: v.pipe(v.array(v.union([v.pipe(v.string(), v.maxLength(512)), v.number(), v.null()])), v.maxLength(4)),
});
export type ClusterEvent = v.InferOutput<typeof EventSchema>;
export type EventArg = ClusterEvent['args'][number];

export interface ClusterBusOptions {
  /** nats://user:password@host:port (tls:// to require TLS); several comma-separated for a NATS cluster. NATS must ask for credentials. */
  url: string;
  logger: Logger;
}

export class ClusterBus {
  /** This process's id in the cluster: random per start, so a restarted instance is a new one. */
  readonly instanceId = randomBytes(8).toString('hex');
  private connected = true;
  private readonly codec = JSONCodec<unknown>();
  private readonly subscriptions: Subscription[] = [];
  /** One NATS subscription per topic, however many parts listen: each event is checked once. */
  private readonly handlers = new Map<string, Array<(event: ClusterEvent) => void>>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {
    this.watchStatus().catch((err: unknown) =>
      // The status stream ends with the connection; an error here only loses the health flag's updates.
      logger.error({ event: 'cluster_status_failed', err: String(err) }),
    );
  }

  static async connect(options: ClusterBusOptions): Promise<ClusterBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        ...natsConnectOptions(options.url),
        name: 'merimeet-signaling',
        timeout: CONNECT_TIMEOUT_MS,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: RECONNECT_WAIT_MS,
      });
    } catch (err) {
      throw new Error(`could not connect to NATS at ${redactNatsUrl(options.url)}: ${(err as Error).message}`, { cause: err });
    }
    // Whoever can publish here can pass frames to a meeting's home with any client address, and reset
    // throttles: only the instances may. NATS says in its INFO whether it asks connections for credentials.
    if (nc.info?.auth_required !== true) {
      await nc.close();
      throw new Error(
        `NATS at ${redactNatsUrl(options.url)} lets anyone connect: give it a user and password that only the instances know ` +
          '(nats-server --user U --pass P, or an authorization block) and put them in the URL (nats://U:P@host:4222)',
      );
    }
    options.logger.info({ event: 'cluster_connected', nats: redactNatsUrl(options.url) });
    return new ClusterBus(nc, options.logger);
  }

  /** False while the NATS connection is down: events are then neither sent nor received. */
  get healthy(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  publish(topic: string, event: Omit<ClusterEvent, 'from'>): void {
    if (!this.healthy) return; // the NATS client would buffer it; a stale throttle count is worth less than bounded memory
    try {
      this.nc.publish(`${SUBJECT_PREFIX}.${topic}`, this.codec.encode({ ...event, from: this.instanceId }));
    } catch (err) {
      // Publishing fails only on a closed connection; the instance keeps working alone.
      this.logger.warn({ event: 'cluster_publish_failed', topic, err: (err as Error).message });
    }
  }

  /** Calls `handle` with every valid event on the topic from the other instances. */
  subscribe(topic: string, handle: (event: ClusterEvent) => void): void {
    const existing = this.handlers.get(topic);
    if (existing) {
      existing.push(handle);
      return;
    }
    const handlers = [handle];
    this.handlers.set(topic, handlers);
    const subscription = this.nc.subscribe(`${SUBJECT_PREFIX}.${topic}`, {
      callback: (err, message) => {
        if (err) return this.logger.warn({ event: 'cluster_subscription_error', topic, err: err.message });
        if (message.data.length > MAX_EVENT_BYTES) return this.dropped(topic, 'too large');
        let parsed: unknown;
        try {
          parsed = this.codec.decode(message.data);
        } catch {
          return this.dropped(topic, 'not JSON');
        }
        const checked = v.safeParse(EventSchema, parsed);
        if (!checked.success) return this.dropped(topic, checked.issues[0].message);
        if (checked.output.from === this.instanceId) return;
        for (const each of handlers) {
          try {
            each(checked.output);
          } catch (handleErr) {
            this.logger.error({ event: 'cluster_event_failed', topic, op: checked.output.op, err: String(handleErr) });
          }
        }
      },
    });
    this.subscriptions.push(subscription);
  }

  /**
   * Bytes to one subject, for the frame link (cluster/frame-link.ts), which
   * checks its own envelopes. Dropped while the link is down, as events are.
   */
  publishRaw(topic: string, data: Uint8Array): void {
    if (!this.healthy) return;
    try {
      this.nc.publish(`${SUBJECT_PREFIX}.${topic}`, data);
    } catch (err) {
      this.logger.warn({ event: 'cluster_publish_failed', topic, err: (err as Error).message });
    }
  }

  /** Every message on the topic, as bytes; larger than `maxBytes` is dropped and logged. */
  subscribeRaw(topic: string, maxBytes: number, handle: (data: Uint8Array) => void): void {
    const subscription = this.nc.subscribe(`${SUBJECT_PREFIX}.${topic}`, {
      callback: (err, message) => {
        if (err) return this.logger.warn({ event: 'cluster_subscription_error', topic, err: err.message });
        if (message.data.length > maxBytes) return this.dropped(topic, 'too large');
        try {
          handle(message.data);
        } catch (handleErr) {
          this.logger.error({ event: 'cluster_event_failed', topic, err: String(handleErr) });
        }
      },
    });
    this.subscriptions.push(subscription);
  }

  /** Resolves once NATS has processed everything sent so far (subscriptions included). */
  async flush(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    // drain(): what we published goes out before the connection closes.
    try {
      await this.nc.drain();
    } catch (err) {
      this.logger.warn({ event: 'cluster_close_failed', err: (err as Error).message });
      await this.nc.close();
    }
  }

  private dropped(topic: string, why: string): void {
    this.logger.warn({ event: 'cluster_event_dropped', topic, why });
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.logger.warn({ event: 'cluster_disconnected', data: String(status.data) });
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.logger.info({ event: 'cluster_reconnected', data: String(status.data) });
      }
    }
  }
}

/** The URL with any password or token masked, for logs and error messages. */
export function redactNatsUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/g, '//***@');
}
