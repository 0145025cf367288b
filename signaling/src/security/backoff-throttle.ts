/**
 * Growing back-off for failed attempts (log-ins, meeting admissions), keyed by
 * whatever is being guessed at (an account, a meeting) or by who is guessing
 * (a client address). A few failures are free, for typos; after that each
 * failure doubles the wait, up to a cap. Memory stays bounded whatever an
 * attacker does: idle keys are forgotten, and past maxKeys the least recently
 * failed key is dropped.
 */

export interface BackoffPolicy {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A key with no failure for this long (and no wait left) starts over. */
  forgetAfterMs: number;
}

/**
 * The policies the server uses.
 *
 * The per-account and per-meeting caps are deliberately short (1 min): anyone
 * can fail on purpose against someone else's account or meeting, so a long
 * cap there would let an attacker lock the real user out. What stops a guesser
 * is the per-address limit, which grows to 15 minutes between guesses. The
 * short caps still bound a guesser spread over many addresses to about one
 * try a minute per account or meeting: hopeless against a ≥ 57-bit meeting
 * password, and slow against any account password that is not a common one.
 */
export const POLICIES = {
  loginPerAccount: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: 15 * 60_000 },
  loginPerAddress: { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 },
  admissionPerMeeting: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: 15 * 60_000 },
  admissionPerAddress: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 },
} as const satisfies Record<string, BackoffPolicy>;

interface Entry {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

export class BackoffThrottle {
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** Least recently failed first: a failure re-inserts its key at the end. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: BackoffPolicy,
    opts: { maxKeys?: number; now?: () => number } = {},
  ) {
    this.maxKeys = opts.maxKeys ?? 100_000;
    this.now = opts.now ?? Date.now;
  }

  /** Milliseconds until `key` may try again; 0 means now. */
  retryAfter(key: string): number {
    const now = this.now();
    const entry = this.live(key, now);
    return entry ? Math.max(0, entry.blockedUntil - now) : 0;
  }

  /** Records a failed attempt; returns the wait it earned (0 while failures are still free). */
  failure(key: string): number {
    const now = this.now();
    const entry = this.live(key, now) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
    entry.failures++;
    entry.lastFailure = now;
    const over = entry.failures - this.policy.freeFailures;
    if (over > 0) {
      // The exponent is capped so a long-lived key cannot overflow to Infinity or NaN.
      const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** Math.min(over - 1, 40));
      entry.blockedUntil = Math.max(entry.blockedUntil, now + delay);
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.sweep(now);
    return Math.max(0, entry.blockedUntil - now);
  }

  /** The attempt succeeded: forget the key's failures. */
  success(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.forgotten(entry, now)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private forgotten(entry: Entry, now: number): boolean {
    return now - entry.lastFailure >= this.policy.forgetAfterMs && now >= entry.blockedUntil;
  }

  /**
   * Drops idle keys from the front (the least recently failed), then, past
   * maxKeys, the least recently failed ones even if not idle. Eviction resets
   * that key's back-off, which is why the limit is generous: an attacker would
   * need maxKeys fresh keys to flush one, and each of those costs it failures
   * on another throttle (per address, or per meeting).
   */
  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxKeys && !this.forgotten(entry, now)) break;
      this.entries.delete(key);
    }
  }
}
