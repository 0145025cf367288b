/**
 * When the signaling client tries again after losing its socket: exponential
 * back-off with jitter, and the close codes after which it must not.
 */
import { CLOSE } from '@merimeet/signaling/protocol';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 8_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped,
 * with "equal jitter" (half fixed, half random) so a server restart does not
 * get every client back in the same millisecond, yet no client waits near zero.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Close codes after which reconnecting would be wrong. */
export function isTerminalClose(code: number): boolean {
  // 4010: our place was resumed on another connection — reconnecting would steal it back and forth.
  // 1002: we do not speak the server's protocol; retrying changes nothing.
  return code === CLOSE.replaced || code === CLOSE.protocolError;
}
