import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ResumeTokens, type ResumeClaims } from './resume-token.js';

const claims: ResumeClaims = { m: 'abc-defg-hjk', p: '0123456789abcdef', n: 'nonce', a: null, d: 'Zoë 🎉', t: 1 };

describe('ResumeTokens', () => {
  it('verifies its own tokens and returns the claims', () => {
    const tokens = new ResumeTokens(randomBytes(32));
    expect(tokens.verify(tokens.issue(claims))).toEqual(claims);
  });

  it('refuses a token signed with another key (another server, or a forger)', () => {
    const token = new ResumeTokens(randomBytes(32)).issue(claims);
    expect(new ResumeTokens(randomBytes(32)).verify(token)).toBeUndefined();
  });

  it('refuses a token whose claims were changed after signing', () => {
    const tokens = new ResumeTokens(randomBytes(32));
    const [, mac] = tokens.issue(claims).split('.');
    const body = Buffer.from(JSON.stringify({ ...claims, p: 'ffffffffffffffff' })).toString('base64url');
    expect(tokens.verify(`${body}.${mac}`)).toBeUndefined();
  });

  it('refuses malformed tokens without throwing', () => {
    const tokens = new ResumeTokens(randomBytes(32));
    for (const junk of ['', '.', 'abc', 'a.b', '.sig', `${'x'.repeat(10)}.${'y'.repeat(43)}`]) {
      expect(tokens.verify(junk)).toBeUndefined();
    }
  });
});
