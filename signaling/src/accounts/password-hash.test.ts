import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from './password-hash.js';

// Real OWASP parameters throughout (~0.3 s per hash), so the count of hashes here is kept small.
describe('password hashing', () => {
  it('stores scrypt N=2^17 r=8 p=1 with a 16-byte salt and a 32-byte key, and verifies only the right password', async () => {
    const encoded = await hashPassword('correct horse battery staple');
    const parts = encoded.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '17', '8', '1']);
    const salt = Buffer.from(parts[4]!, 'base64');
    const hash = Buffer.from(parts[5]!, 'base64');
    expect(salt).toHaveLength(16);
    expect(hash).toHaveLength(32);
    // Independent recomputation: the stored hash really is scrypt with these parameters.
    const expected = scryptSync('correct horse battery staple', salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
    expect(hash.equals(expected)).toBe(true);

    expect(await verifyPassword('correct horse battery staple', encoded)).toBe(true);
    expect(await verifyPassword('correct horse battery stapLe', encoded)).toBe(false);
  }, 20_000);

  it('salts every hash, so the same password never hashes the same twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
  }, 20_000);

  it('treats composed and decomposed accents as the same password (NFKC)', async () => {
    const composed = 'café crème 1234';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  }, 20_000);

  it('answers false, without throwing, for malformed or out-of-bounds encodings', async () => {
    const salt = Buffer.alloc(16).toString('base64');
    const hash = Buffer.alloc(32).toString('base64');
    for (const bad of [
      '',
      'not a hash',
      `bcrypt$17$8$1$${salt}$${hash}`,
      `scrypt$17$8$1$${salt}`,
      `scrypt$17$8$1$${salt}$${hash}$extra`,
      `scrypt$17$8$1$!!!$${hash}`,
      `scrypt$17$8$1$${Buffer.alloc(4).toString('base64')}$${hash}`, // salt too short
      `scrypt$30$8$1$${salt}$${hash}`, // would need 128 GiB
      `scrypt$20$16$1$${salt}$${hash}`, // over the memory cap
      `scrypt$17$8$0$${salt}$${hash}`,
    ]) {
      expect(await verifyPassword('whatever', bad), bad).toBe(false);
    }
  });

  it('asks for a rehash only when the parameters differ from today’s', () => {
    const salt = Buffer.alloc(16).toString('base64');
    const hash = Buffer.alloc(32).toString('base64');
    expect(needsRehash(`scrypt$17$8$1$${salt}$${hash}`)).toBe(false);
    expect(needsRehash(`scrypt$16$8$1$${salt}$${hash}`)).toBe(true);
    expect(needsRehash(`scrypt$17$8$1$${salt}$${Buffer.alloc(16).toString('base64')}`)).toBe(true);
    expect(needsRehash('garbage')).toBe(true);
  });

  it('hashes at a cost asked for, says so in the hash, and asks for a rehash only against another cost', async () => {
    const cheap = { log2N: 10 };
    const encoded = await hashPassword('correct horse battery', cheap);
    expect(encoded).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', encoded)).toBe(true);
    expect(needsRehash(encoded, cheap)).toBe(false);
    expect(needsRehash(encoded)).toBe(true);
    expect(await DUMMY_HASH(cheap)).toMatch(/^scrypt\$10\$/);
  });

  it('makes the dummy hash once, as a real scrypt hash that no simple password matches', async () => {
    const first = DUMMY_HASH();
    expect(DUMMY_HASH()).toBe(first);
    const encoded = await first;
    expect(encoded).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(needsRehash(encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  }, 20_000);
});
