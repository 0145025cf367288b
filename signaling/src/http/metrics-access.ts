/**
 * Who may read /metrics. The numbers are not secrets of the meetings, but
 * they tell an outsider how busy the server is, who fails to log in and
 * when, and which errors it answers: operational detail that is nobody
 * else's business. So /metrics is off unless the operator turns it on, with
 * a bearer token (--metrics-token) and/or a listener of its own that only
 * loopback reaches by default (--metrics-port, --metrics-host).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type MetricsAccess =
  /** /metrics does not exist here (404), as if it were any unknown path. */
  | { kind: 'off' }
  /** Anyone who reaches this listener may read it (the loopback-only metrics listener without a token). */
  | { kind: 'open' }
  /** Only with `Authorization: Bearer <token>`; 401 otherwise. */
  | { kind: 'token'; token: string };

/**
 * True when the request carries the bearer token. Both sides are hashed first
 * so the comparison takes the same time whatever the length or content of
 * what was sent (timingSafeEqual needs equal lengths).
 */
export function bearerTokenMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const presented = createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(presented, expected) && match !== null;
}
