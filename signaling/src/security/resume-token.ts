/**
 * Resume tokens let a participant whose connection dropped reclaim its place
 * (same peer id) without the admission key: over a new socket, or after the
 * server itself restarted. They are signed, not stored, so a restart loses
 * nothing; the HMAC key lives in the database (server_secrets).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ResumeClaims {
  /** meeting id */
  m: string;
  /** peer id */
  p: string;
  /** nonce: a token is only good for the member it was issued to */
  n: string;
  /** account id of the participant, if logged in (the owner gets host back) */
  a: number | null;
  /** display name at the time of joining */
  d: string;
  /** issued at, epoch ms */
  t: number;
  /**
   * When this membership took on the account `a` (its join), epoch ms. A
   * membership that began before the account signed out everywhere must not
   * carry it back in. Absent from tokens of older servers; `t` stands in.
   */
  j?: number;
}

export class ResumeTokens {
  constructor(private readonly key: Buffer) {}

  static newNonce(): string {
    return randomBytes(12).toString('base64url');
  }

  issue(claims: ResumeClaims): string {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The claims, or undefined when the token is malformed or not ours. */
  verify(token: string): ResumeClaims | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ResumeClaims;
      const valid =
        typeof claims.m === 'string' &&
        typeof claims.p === 'string' &&
        typeof claims.n === 'string' &&
        (claims.a === null || typeof claims.a === 'number') &&
        typeof claims.d === 'string' &&
        typeof claims.t === 'number' &&
        (claims.j === undefined || typeof claims.j === 'number');
      return valid ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
