/**
 * When to ask the signaling server for fresh TURN credentials (`ice.refresh`).
 *
 * TURN REST credentials die at a fixed time (`--turn-ttl` after they were
 * issued). Chromium keeps using the credentials a TURN allocation was made
 * with when it refreshes that allocation, so a relayed call must get new
 * credentials — and make new allocations with them (an ICE restart) —
 * before the old ones expire. Kept pure so the timing can be tested.
 */

/** Never ask more often than this, whatever the server says (a tiny TTL must not become a request loop). */
export const MIN_REFRESH_DELAY_MS = 10_000;
/** Ask at least this long before expiry: enough for a request and an ICE restart on a slow network. */
export const REFRESH_MARGIN_MS = 60_000;
/** After a refresh that went unanswered (socket down, timeout), try again this much later. */
export const RETRY_REFRESH_MS = 15_000;

/**
 * Milliseconds from receiving credentials valid for `ttlMs` until asking for
 * new ones: three quarters of the lifetime, but at least REFRESH_MARGIN_MS
 * before the end, and never sooner than MIN_REFRESH_DELAY_MS. Null when there
 * is nothing to refresh (no lifetime given: an older server, or no TURN).
 */
export function credentialRefreshDelay(ttlMs: number | undefined): number | null {
  if (ttlMs === undefined || !Number.isFinite(ttlMs) || ttlMs <= 0) return null;
  return Math.round(Math.max(MIN_REFRESH_DELAY_MS, Math.min(ttlMs * 0.75, ttlMs - REFRESH_MARGIN_MS)));
}

/** True when the servers include TURN with credentials (the only thing that expires). */
export function hasTurnCredentials(servers: readonly RTCIceServer[]): boolean {
  return servers.some((s) => s.username !== undefined && s.credential !== undefined && urlsOf(s).some((u) => /^turns?:/i.test(u)));
}

function urlsOf(s: RTCIceServer): string[] {
  return typeof s.urls === 'string' ? [s.urls] : [...s.urls];
}
