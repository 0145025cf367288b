/**
 * The configured Janus instances (--sfu-url, repeatable): one API session to
 * each, kept open and reopened with back-off when it drops, and the choice of
 * where a new meeting goes (the instance carrying the fewest people).
 */
import type { Logger } from '../observability/logger.js';
import { JanusSession } from './janus-session.js';
import { SfuError } from './sfu-error.js';

export interface SfuPoolOptions {
  urls: string[];
  apiSecret: string | undefined;
  keepaliveMs: number;
  requestTimeoutMs: number;
  logger: Logger;
  /** An instance's session is gone (Janus stopped, crashed, restarted or hangs). */
  onLost(instance: SfuInstance): void;
  /** An instance has a session again (at start, or after coming back). */
  onUp(instance: SfuInstance): void;
}

export interface SfuInstance {
  /** Position in --sfu-url, for logs: a URL may name a socket path, never a secret, but the index is enough. */
  readonly index: number;
  readonly url: string;
  session: JanusSession | null;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

export class SfuPool {
  readonly instances: SfuInstance[];
  private closed = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly options: SfuPoolOptions) {
    this.instances = options.urls.map((url, index) => ({ index, url, session: null }));
  }

  /** Connects to every instance; resolves once each has answered or failed its first attempt. */
  start(): Promise<void> {
    return Promise.all(this.instances.map((instance) => this.connect(instance, FIRST_RETRY_MS))).then(() => undefined);
  }

  /** The live instance with the least load (the first listed on a tie). */
  pick(loadOf: (instance: SfuInstance) => number): SfuInstance | undefined {
    let best: { instance: SfuInstance; load: number } | undefined;
    for (const instance of this.instances) {
      if (!instance.session || instance.session.lost) continue;
      const load = loadOf(instance);
      if (!best || load < best.load) best = { instance, load };
    }
    return best?.instance;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled(
      this.instances.map(async (instance) => {
        const session = instance.session;
        instance.session = null;
        await session?.close();
      }),
    );
  }

  private async connect(instance: SfuInstance, retryMs: number): Promise<void> {
    if (this.closed) return;
    const { logger } = this.options;
    try {
      const session = await JanusSession.open({
        url: instance.url,
        apiSecret: this.options.apiSecret,
        keepaliveMs: this.options.keepaliveMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        onMalformed: (error) => logger.error({ event: 'sfu_malformed_reply', sfu: instance.index, ...error.toLog() }),
      });
      if (this.closed) {
        await session.close();
        return;
      }
      instance.session = session;
      logger.info({ event: 'sfu_up', sfu: instance.index });
      session.onLost((error) => {
        if (instance.session !== session) return;
        instance.session = null;
        if (this.closed) return;
        logger.warn({ event: 'sfu_lost', sfu: instance.index, ...error.toLog() });
        this.options.onLost(instance);
        this.retry(instance, FIRST_RETRY_MS);
      });
      this.options.onUp(instance);
    } catch (error) {
      const reason = error instanceof SfuError ? error.toLog() : { code: 'janus_unreachable', message: String(error) };
      logger.warn({ event: 'sfu_unreachable', sfu: instance.index, retryMs, ...reason });
      this.retry(instance, Math.min(retryMs * 2, MAX_RETRY_MS));
    }
  }

  private retry(instance: SfuInstance, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.connect(instance, delayMs);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
