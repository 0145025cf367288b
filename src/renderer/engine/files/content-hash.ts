/**
 * The whole-file check a receiver makes before offering a file for saving:
 * SHA-256 over the concatenated SHA-256 digests of each HASH_BLOCK_BYTES
 * block of the file, in order (the last block may be shorter; an empty file
 * has none). Dropbox's content hash works the same way with 4 MiB blocks.
 *
 * Why not one SHA-256 over the whole file: WebCrypto has no streaming digest,
 * and hashing in JavaScript on the page's main thread cost a third of its
 * time during a transfer; per block, WebCrypto hashes natively, off the main
 * thread, while the file streams. Any changed, missing, added or reordered
 * byte still changes the result.
 */
import { HASH_BLOCK_BYTES } from './file-protocol.js';

export interface ContentHash {
  /** The next block, in file order: exactly HASH_BLOCK_BYTES except the last. */
  add(block: Uint8Array<ArrayBuffer>): void;
  digest(): Promise<Uint8Array<ArrayBuffer>>;
}

const DIGEST_BYTES = 32;

export function createContentHash(): ContentHash {
  // WebCrypto copies its input when called, so the caller may reuse the block at once.
  const blocks: Promise<ArrayBuffer>[] = [];
  let last = false;
  return {
    add(block) {
      if (last) throw new Error('a short block must be the last one');
      if (block.length < HASH_BLOCK_BYTES) last = true;
      blocks.push(crypto.subtle.digest('SHA-256', block));
    },
    async digest() {
      const digests = await Promise.all(blocks);
      const list = new Uint8Array(digests.length * DIGEST_BYTES);
      digests.forEach((d, i) => list.set(new Uint8Array(d), i * DIGEST_BYTES));
      return new Uint8Array(await crypto.subtle.digest('SHA-256', list));
    },
  };
}
