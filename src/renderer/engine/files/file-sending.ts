/**
 * The sending side of a file transfer: once the receiver accepts, the file is
 * read a block at a time, sealed chunk by chunk and sent while the channel's
 * buffer is below HIGH_WATER_BYTES and the receiver has acknowledged all but
 * CREDIT_WINDOW_BYTES; then its content hash goes out with "done".
 */
import { encodeBase64Url } from '../../../common/crypto/base64url.js';
import { sealChunk } from './file-crypto.js';
import { createContentHash } from './content-hash.js';
import { CHUNK_BYTES, CREDIT_WINDOW_BYTES } from './file-protocol.js';
import { BLOCK_BYTES, HIGH_WATER_BYTES, type Outgoing, type TransferCore } from './transfer-core.js';
import { reportAs } from '../failures.js';

const CREDIT_RECHECK_MS = 1000;

/**
 * Reads the file a block at a time and seals the block's chunks in
 * parallel (WebCrypto runs off the main thread), preparing the next block
 * while this one goes out: the channel, not our own steps, sets the pace.
 * At most two blocks are in memory.
 */
export async function pump(core: TransferCore, out: Outgoing): Promise<void> {
  const { o } = core;
  const { t, file } = out;
  const ctx = core.ctxTo(t.peerId);
  const prepare = async (offset: number) => {
    const data = new Uint8Array(await file.slice(offset, Math.min(t.size, offset + BLOCK_BYTES)).arrayBuffer());
    const first = offset / CHUNK_BYTES;
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    for (let at = 0; at < data.length; at += CHUNK_BYTES) chunks.push(data.subarray(at, at + CHUNK_BYTES));
    const frames = await Promise.all(chunks.map((chunk, k) => sealChunk(o.key, ctx, t.id, first + k, chunk)));
    return { data, chunks, frames };
  };
  const hash = createContentHash();
  out.startedAt = core.now();
  let next = t.size > 0 ? prepare(0) : null;
  for (let offset = 0; next; offset += BLOCK_BYTES) {
    const block = await next;
    // Prepare the next block while this one is sent (its promise is awaited on the next turn, or dropped).
    next = offset + BLOCK_BYTES < t.size ? prepare(offset + BLOCK_BYTES) : null;
    // Awaited below when its turn comes (that await reports it); this only keeps an early failure from going unhandled.
    next?.catch(reportAs('preparing the next file block'));
    hash.add(block.data);
    for (let k = 0; k < block.frames.length; k++) {
      let pipe = o.pipeTo(t.peerId);
      while (t.state === 'sending' && pipe?.open && (pipe.bufferedAmount > HIGH_WATER_BYTES || t.bytes - out.acked > CREDIT_WINDOW_BYTES)) {
        const bufferFull = pipe.bufferedAmount > HIGH_WATER_BYTES;
        await new Promise<void>((resolve) => {
          out.wake = resolve;
          // Out of credit, only an ack (or a state change) wakes us; the timer re-checks
          // that the channel is still open, since a closing channel sends no ack.
          if (bufferFull) void pipe!.drained().then(resolve);
          else setTimeout(resolve, CREDIT_RECHECK_MS);
        });
        out.wake = null;
        pipe = o.pipeTo(t.peerId);
      }
      if (t.state !== 'sending') return;
      if (!pipe?.open || !pipe.send(block.frames[k]!)) return core.finishOut(out, 'failed', 'connection');
      t.bytes += block.chunks[k]!.length;
      t.bytesPerSecond = core.rate(t.bytes, out.startedAt);
      core.progressed();
    }
  }
  await core.control(t.peerId, { t: 'done', id: t.id, sha256: encodeBase64Url(await hash.digest()) });
  // 'done' for the sender comes with the receiver's final ack (it checked the hash and has the file).
}
