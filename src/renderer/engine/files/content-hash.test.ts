import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createContentHash } from './content-hash.js';
import { HASH_BLOCK_BYTES } from './file-protocol.js';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

async function contentHash(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const h = createContentHash();
  for (let at = 0; at < data.length; at += HASH_BLOCK_BYTES) h.add(data.subarray(at, at + HASH_BLOCK_BYTES));
  return h.digest();
}

describe('content hash', () => {
  it('is SHA-256 over the SHA-256 of each block, computed independently here', async () => {
    const data = new Uint8Array(2 * HASH_BLOCK_BYTES + 100).map((_, i) => (i * 7) & 0xff);
    const expected = sha(sha(data.subarray(0, HASH_BLOCK_BYTES)), sha(data.subarray(HASH_BLOCK_BYTES, 2 * HASH_BLOCK_BYTES)), sha(data.subarray(2 * HASH_BLOCK_BYTES)));
    expect(await contentHash(data)).toEqual(expected);
    // An empty file has no blocks: the hash of nothing.
    expect(await contentHash(new Uint8Array(0))).toEqual(sha());
  });

  it('changes with any byte, and with blocks in another order', async () => {
    const data = new Uint8Array(randomBytes(2 * HASH_BLOCK_BYTES)); // random, so the two blocks differ
    const base = await contentHash(data);
    const flipped = data.slice();
    flipped[HASH_BLOCK_BYTES + 5]! ^= 1;
    expect(await contentHash(flipped)).not.toEqual(base);
    const swapped = new Uint8Array(data.length);
    swapped.set(data.subarray(HASH_BLOCK_BYTES), 0);
    swapped.set(data.subarray(0, HASH_BLOCK_BYTES), HASH_BLOCK_BYTES);
    expect(await contentHash(swapped)).not.toEqual(base);
    expect(await contentHash(data.slice(0, data.length - 1))).not.toEqual(base);
  });

  it('refuses a block after a short one (the blocks would not line up with the sender’s)', () => {
    const h = createContentHash();
    h.add(new Uint8Array(10));
    expect(() => h.add(new Uint8Array(10))).toThrow(/last/);
  });
});
