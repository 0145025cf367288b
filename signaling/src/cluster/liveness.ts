/**
 * Which instances of the cluster are alive: each says so every second over
 * the bus (cluster/frame-link.ts), and one silent for a few beats is taken
 * for dead. A home drops a dead edge's clients (their grace periods start);
 * an edge moves its clients off a dead home; the next instance to touch a
 * dead home's meeting takes it over without waiting for the lease to lapse.
 */
import { ALIVE_EVERY_MS, type FrameLink } from './frame-link.js';

/** Three missed beats, and a little slack for a busy event loop. */
export const SILENCE_MS = ALIVE_EVERY_MS * 3 + 500;

export class Liveness {
  private readonly lastAlive = new Map<string, number>();
  private readonly beat: ReturnType<typeof setInterval>;

  constructor(private readonly link: FrameLink) {
    link.onAlive((instance) => this.lastAlive.set(instance, Date.now()));
    link.sayAlive();
    this.beat = setInterval(() => link.sayAlive(), ALIVE_EVERY_MS);
    this.beat.unref();
  }

  /** Heard of just now (a frame from it proves it alive as well as a beat does). */
  seen(instance: string): void {
    this.lastAlive.set(instance, Date.now());
  }

  /** Never heard of, or silent too long. This instance is never dead to itself. */
  isDead(instance: string, now = Date.now()): boolean {
    if (instance === this.link.self) return false;
    return now - (this.lastAlive.get(instance) ?? 0) > SILENCE_MS;
  }

  stop(): void {
    clearInterval(this.beat);
  }
}
