/**
 * How often one connection may ask for fresh TURN credentials (`ice.refresh`).
 *
 * Each answer is a new credential for our TURN relay, so a client looping on
 * it mints relay credentials (and burns an HMAC each) as fast as the general
 * message rate allows, 50 a second. A real client needs very few: it asks
 * once per credential lifetime, at three quarters of `--turn-ttl` but at least
 * a minute before expiry and never sooner than 10 s
 * (src/renderer/engine/ice-refresh.ts), and retries a failed ask 15 s later.
 *
 * So: a burst of ICE_REFRESH_BURST (one refresh plus its retries, with room
 * to spare), refilled at twice the rate a client needs, and never slower than
 * one a minute, so a short --turn-ttl or a clock hiccup never starves anyone.
 * With the default --turn-ttl of 3600 s that is 6 at once, then one a minute
 * (a client needs one every 45 minutes); with the minimum of 60 s, 6 at once,
 * then one every 5 s (a client needs one every 10 s).
 */
import { TokenBucket } from './rate-limit.js';

export const ICE_REFRESH_BURST = 6;
/** The slowest refill ever used, however long the credentials live. */
const SLOWEST_REFILL_MS = 60_000;
/** The client's own bounds on its schedule (src/renderer/engine/ice-refresh.ts). */
const CLIENT_MIN_DELAY_MS = 10_000;
const CLIENT_MARGIN_MS = 60_000;

/** Milliseconds between refills of one connection's ice.refresh allowance, for credentials living `ttlSeconds`. */
export function iceRefreshRefillMs(ttlSeconds: number): number {
  const ttlMs = ttlSeconds * 1000;
  const clientInterval = Math.max(CLIENT_MIN_DELAY_MS, Math.min(ttlMs * 0.75, ttlMs - CLIENT_MARGIN_MS));
  return Math.min(SLOWEST_REFILL_MS, clientInterval / 2);
}

export function iceRefreshBucket(ttlSeconds: number, now?: () => number): TokenBucket {
  return new TokenBucket(1000 / iceRefreshRefillMs(ttlSeconds), ICE_REFRESH_BURST, now);
}
