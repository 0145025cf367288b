/**
 * What arrives on a peer's `files` channel, once opened and in order: control
 * messages for either direction (offer, accept, decline, ack, cancel, done),
 * and the chunks of a file being received. Each chunk is checked (its
 * transfer, its index, its AES-GCM tag, the size offered), gathered into
 * blocks, hashed and written to the sink; "done" then compares the hash.
 */
import { encodeBase64Url } from '../../../common/crypto/base64url.js';
import { chunkHeader, openChunk } from './file-crypto.js';
import { createContentHash } from './content-hash.js';
import { sanitizeFileName } from './file-name.js';
import { ACK_EVERY_BYTES, MAX_FILE_BYTES, type FileControl } from './file-protocol.js';
import type { FileTransfer } from './file-transfer-types.js';
import { pump } from './file-sending.js';
import { BLOCK_BYTES, type Incoming, type TransferCore } from './transfer-core.js';

export async function onControl(core: TransferCore, peerId: string, m: FileControl): Promise<void> {
  const out = core.outgoing.get(m.id);
  const inc = core.incoming.get(m.id);
  if (out && out.t.peerId !== peerId) return; // someone else's transfer id: ignore
  if (inc && inc.t.peerId !== peerId) return;
  switch (m.t) {
    case 'offer':
      if (out || inc) return; // an id we already have
      return onOffer(core, peerId, m);
    case 'accept':
      if (out?.t.state === 'waiting') {
        out.t.state = 'sending';
        core.changed();
        void pump(core, out).catch(() => core.finishOut(out, 'failed', 'connection'));
      }
      return;
    case 'decline':
      if (out) core.finishOut(out, 'declined');
      return;
    case 'ack':
      if (out && m.bytes <= out.t.size) {
        out.acked = Math.max(out.acked, m.bytes);
        out.wake?.();
        if (out.acked === out.t.size && out.t.bytes === out.t.size) core.finishOut(out, 'done');
      }
      return;
    case 'cancel':
      if (out) core.finishOut(out, m.reason === 'failed' ? 'failed' : 'cancelled', m.reason === 'failed' ? 'remote_failed' : null);
      if (inc) core.finishIn(inc, m.reason === 'failed' ? 'failed' : 'cancelled', m.reason === 'failed' ? 'remote_failed' : null);
      return;
    case 'done':
      if (inc?.t.state === 'receiving') await complete(core, inc, m.sha256);
      return;
  }
}

function onOffer(core: TransferCore, peerId: string, m: Extract<FileControl, { t: 'offer' }>): void {
  const t: FileTransfer = {
    id: m.id,
    direction: 'in',
    peerId,
    peerName: core.o.nameOf(peerId),
    name: sanitizeFileName(m.name),
    size: m.size,
    type: m.type.slice(0, 100),
    state: 'offered',
    bytes: 0,
    bytesPerSecond: 0,
    error: null,
    url: null,
  };
  core.incoming.set(m.id, { t, sink: null, hash: createContentHash(), next: 0, received: 0, block: new Uint8Array(0), blockFill: 0, written: 0, lastAck: 0, writes: Promise.resolve(), startedAt: 0, heardAt: 0 });
  core.order.push(m.id);
  const max = core.o.maxFileBytes?.() ?? MAX_FILE_BYTES;
  if (m.size > max) {
    t.state = 'failed';
    t.error = max < MAX_FILE_BYTES ? 'too_large_relayed' : 'too_large';
    void core.control(peerId, { t: 'decline', id: m.id });
  }
  core.changed();
}

/**
 * Checks where a chunk belongs now, in arrival order, then lets its
 * decryption run alongside the next chunks'; the plaintext is gathered into
 * blocks (the content hash's, whatever size the chunks are) that are hashed
 * and written in order on `inc.writes`: one disk write per block.
 */
export function onChunk(core: TransferCore, peerId: string, frame: ArrayBuffer): void {
  const header = chunkHeader(frame);
  const inc = header ? core.incoming.get(header.id) : undefined;
  if (!header || !inc || inc.t.peerId !== peerId) return; // not a transfer of ours with this peer: drop
  if (inc.t.state !== 'receiving') {
    // Chunks still in flight after a cancel are expected; anything else is a protocol breach.
    if (inc.t.state === 'offered') core.failIn(inc, 'out_of_order');
    return;
  }
  if (header.index !== inc.next) return core.failIn(inc, 'out_of_order');
  inc.next++;
  inc.heardAt = core.now();
  const opening = openChunk(core.o.key, core.ctxFrom(peerId), frame, inc.t.id, header.index);
  inc.writes = inc.writes.then(async () => {
    const data = await opening;
    if (!taking(inc)) return;
    if (!data) return core.failIn(inc, 'damaged');
    if (inc.received + data.length > inc.t.size) return core.failIn(inc, 'too_much_data');
    inc.received += data.length;
    for (let at = 0; at < data.length; ) {
      if (inc.block.length === 0) inc.block = new Uint8Array(Math.min(BLOCK_BYTES, inc.t.size - (inc.received - data.length + at)));
      const n = Math.min(data.length - at, inc.block.length - inc.blockFill);
      inc.block.set(data.subarray(at, at + n), inc.blockFill);
      inc.blockFill += n;
      at += n;
      if (inc.blockFill === inc.block.length) await flush(core, inc);
      if (!taking(inc)) return;
    }
  });
}

/** Whether chunks still count: 'verifying' means "done" came while some were still queued. */
const taking = (inc: Incoming) => inc.t.state === 'receiving' || inc.t.state === 'verifying';

/** Hashes and writes the full block. */
async function flush(core: TransferCore, inc: Incoming): Promise<void> {
  const batch = inc.block;
  inc.block = new Uint8Array(0);
  inc.blockFill = 0;
  inc.hash.add(batch);
  try {
    await inc.sink!.write(batch);
  } catch {
    return core.failIn(inc, 'storage');
  }
  if (!taking(inc)) return;
  inc.written += batch.length;
  inc.heardAt = core.now(); // a slow disk holds the sender back: not the sender's silence
  inc.t.bytes = inc.written;
  inc.t.bytesPerSecond = core.rate(inc.written, inc.startedAt);
  if (inc.written - inc.lastAck >= ACK_EVERY_BYTES) {
    inc.lastAck = inc.written;
    void core.control(inc.t.peerId, { t: 'ack', id: inc.t.id, bytes: inc.written });
  }
  core.progressed();
}

async function complete(core: TransferCore, inc: Incoming, expected: string): Promise<void> {
  inc.t.state = 'verifying';
  core.changed();
  await inc.writes;
  if (inc.t.state !== 'verifying') return;
  if (inc.written !== inc.t.size) return core.failIn(inc, 'incomplete');
  if (encodeBase64Url(await inc.hash.digest()) !== expected) return core.failIn(inc, 'hash_mismatch');
  if (inc.t.state !== 'verifying') return;
  let blob: Blob;
  try {
    blob = await inc.sink!.finish();
  } catch {
    return core.failIn(inc, 'storage');
  }
  if (inc.t.state !== 'verifying') return;
  inc.t.url = URL.createObjectURL(blob);
  inc.t.state = 'done';
  core.changed();
  void core.control(inc.t.peerId, { t: 'ack', id: inc.t.id, bytes: inc.t.size });
}
