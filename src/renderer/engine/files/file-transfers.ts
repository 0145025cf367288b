/**
 * File transfers over the mesh, peer to peer (file-protocol.ts says what
 * goes on the wire; file-crypto.ts how it is sealed).
 *
 * Sending reads the file slice by slice, so nothing holds the whole file:
 * a chunk goes out only while the channel's send buffer is below a high-water
 * mark (bufferedAmountLowThreshold wakes the sender) and while the receiver
 * has acknowledged all but CREDIT_WINDOW_BYTES of what was sent (so a slow
 * disk on the receiving side bounds the receiver's memory too).
 *
 * Receiving writes nothing before the person accepts; then each chunk is
 * checked (its transfer, its index — out-of-order chunks fail the transfer —
 * its AES-GCM tag, the size offered) and streamed into a sink (disk), while
 * its content hash (content-hash.ts, SHA-256 per block) is computed. Only
 * when it matches the one the sender computed is the file
 * offered for saving; on any failure, cancel, or the sender leaving, the sink
 * is discarded: nothing half-saved stays behind.
 */
import { encodeBase64Url } from '../../../common/crypto/base64url.js';
import { createSerialQueues } from '../serial.js';
import { newEpoch } from '../sealed-json.js';
import { createOrderCheck } from '../stream-order.js';
import { chunkHeader, newTransferId, openChunk, openControl, sealChunk, sealControl, type FileLinkContext } from './file-crypto.js';
import { createContentHash, type ContentHash } from './content-hash.js';
import { sanitizeFileName } from './file-name.js';
import { ACK_EVERY_BYTES, CHUNK_BYTES, CREDIT_WINDOW_BYTES, HASH_BLOCK_BYTES, MAX_FILE_BYTES, type FileControl } from './file-protocol.js';

/** A link's `files` data channel, as the transfers need it (mesh/link-channels.ts). */
export interface FramePipe {
  readonly open: boolean;
  readonly bufferedAmount: number;
  send(data: string | ArrayBuffer): boolean;
  /** Resolves once the send buffer has drained to its low threshold, or the channel closed. */
  drained(): Promise<void>;
}

/** Where a received file goes while it arrives (disk, in the web client: sinks.ts). */
export interface FileSink {
  write(chunk: Uint8Array<ArrayBuffer>): Promise<void>;
  /** Everything is written: the file as the person can save it. */
  finish(): Promise<Blob>;
  /** Throws away whatever was written (also after finish()). */
  discard(): Promise<void>;
}

export type TransferState =
  | 'offered' // incoming, waiting for the person to accept or decline
  | 'waiting' // outgoing, waiting for the receiver to accept
  | 'sending'
  | 'receiving'
  | 'verifying'
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

/** Why a transfer failed; the UI turns it into a sentence with names. */
export type TransferError =
  | 'peer_left' // the other side left the meeting before the end
  | 'remote_failed' // the other side reported a failure
  | 'too_large' // the offer exceeds MAX_FILE_BYTES
  | 'out_of_order' // a chunk came out of order, or for a transfer not running
  | 'damaged' // a chunk failed its authentication tag
  | 'too_much_data' // more bytes than offered
  | 'incomplete' // "done" before all bytes arrived
  | 'hash_mismatch' // the whole file's SHA-256 did not match
  | 'storage' // the sink could not be created or written
  | 'stalled' // nothing came from the sender for STALL_MS while receiving
  | 'connection'; // the data channel closed

export interface FileTransfer {
  id: string;
  direction: 'in' | 'out';
  /** The other side. */
  peerId: string;
  /** Their display name when the transfer began (kept after they leave, for the message that says so). */
  peerName: string;
  /** Incoming: sanitized (file-name.ts). Outgoing: as the file is called. */
  name: string;
  size: number;
  type: string;
  state: TransferState;
  /** Sent (out) or received and written (in). */
  bytes: number;
  /** Average since the transfer started moving. */
  bytesPerSecond: number;
  error: TransferError | null;
  /** Incoming, verified: an object URL to save the file from. */
  url: string | null;
}

export interface FileTransfersOptions {
  key: CryptoKey;
  meetingId: string;
  localPeerId: () => string | null;
  /** A participant's display name. */
  nameOf: (peerId: string) => string;
  /** The `files` channel to a peer, or null if there is no open link. */
  pipeTo: (peerId: string) => FramePipe | null;
  createSink: (name: string, size: number) => Promise<FileSink>;
  onChange: (transfers: FileTransfer[]) => void;
  now?: () => number;
}

export interface FileTransfers {
  /** Offers `file` to each of `peerIds` (one transfer each). */
  send(file: Blob & { name: string }, peerIds: string[]): FileTransfer[];
  accept(id: string): Promise<void>;
  decline(id: string): void;
  cancel(id: string): void;
  /** Removes a finished transfer from the list (and its saved copy from the sink). */
  dismiss(id: string): void;
  /** A frame from `peerId`'s files channel. */
  receive(peerId: string, frame: string | ArrayBuffer): Promise<void>;
  /** `peerId` left the meeting: whatever runs with them fails. */
  peerGone(peerId: string): void;
  /** The call is over: everything stops and is discarded. */
  close(): void;
  list(): FileTransfer[];
}

/** Chunks are not sent while this much is waiting in the channel's buffer. */
export const HIGH_WATER_BYTES = 1024 * 1024;
/** The sender reads, hashes and seals a block at a time; the receiver hashes and writes one at a time. */
const BLOCK_BYTES = HASH_BLOCK_BYTES;
const PROGRESS_EVERY_MS = 100;
const CREDIT_RECHECK_MS = 1000;
const CHANNEL_OPEN_WAIT_MS = 15_000;
const CHANNEL_OPEN_POLL_MS = 100;
/**
 * A receiving transfer with nothing from its sender for this long fails: a
 * sender whose channel died without them leaving the meeting sends no
 * cancel, and the receiver must not wait forever with a half-written file.
 */
export const STALL_MS = 30_000;
const STALL_CHECK_MS = 1_000;
const ACTIVE: ReadonlySet<TransferState> = new Set(['offered', 'waiting', 'sending', 'receiving', 'verifying']);

interface Outgoing {
  t: FileTransfer;
  file: Blob;
  acked: number;
  startedAt: number;
  /** Wakes the sending loop (an ack arrived, or the state changed). */
  wake: (() => void) | null;
}

interface Incoming {
  t: FileTransfer;
  sink: FileSink | null;
  hash: ContentHash;
  next: number;
  /** Decrypted so far; the part of the current block not yet hashed and written is in `block`. */
  received: number;
  block: Uint8Array<ArrayBuffer>;
  blockFill: number;
  /** Written to the sink so far (t.bytes follows it). */
  written: number;
  lastAck: number;
  writes: Promise<void>;
  startedAt: number;
  /** When the sender was last heard from for this transfer (or a write finished). */
  heardAt: number;
}

export function createFileTransfers(o: FileTransfersOptions): FileTransfers {
  const now = o.now ?? (() => performance.now());
  const outgoing = new Map<string, Outgoing>();
  const incoming = new Map<string, Incoming>();
  const order: string[] = [];
  const epoch = newEpoch();
  const seqTo = new Map<string, number>();
  const inOrder = createOrderCheck();
  const serially = createSerialQueues();
  let closed = false;
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  let stallTimer: ReturnType<typeof setInterval> | null = null;

  /** Runs while something is being received; fails what has gone quiet. */
  function watchForStalls(): void {
    stallTimer ??= setInterval(() => {
      let receiving = 0;
      for (const inc of incoming.values()) {
        if (inc.t.state !== 'receiving') continue;
        if (now() - inc.heardAt > STALL_MS) failIn(inc, 'stalled');
        else receiving++;
      }
      if (receiving === 0 && stallTimer) {
        clearInterval(stallTimer);
        stallTimer = null;
      }
    }, STALL_CHECK_MS);
  }

  const all = (): FileTransfer[] =>
    order.map((id) => (outgoing.get(id) ?? incoming.get(id))!.t).map((t) => ({ ...t }));
  const changed = () => {
    if (progressTimer) clearTimeout(progressTimer);
    progressTimer = null;
    o.onChange(all());
  };
  /** Progress only: at most every PROGRESS_EVERY_MS. */
  const progressed = () => {
    progressTimer ??= setTimeout(changed, PROGRESS_EVERY_MS);
  };
  const rate = (bytes: number, since: number) => {
    const s = (now() - since) / 1000;
    return s > 0 ? bytes / s : 0;
  };
  const ctxTo = (peerId: string): FileLinkContext => ({ meetingId: o.meetingId, from: o.localPeerId() ?? '', to: peerId });
  const ctxFrom = (peerId: string): FileLinkContext => ({ meetingId: o.meetingId, from: peerId, to: o.localPeerId() ?? '' });

  /**
   * The channel to `peerId` once it is open. Someone who just joined may not
   * have theirs open yet (video shows before the data channels connect), so
   * this waits a while rather than lose an offer.
   */
  async function openPipe(peerId: string): Promise<FramePipe | null> {
    const deadline = now() + CHANNEL_OPEN_WAIT_MS;
    for (;;) {
      const pipe = o.pipeTo(peerId);
      if (pipe?.open) return pipe;
      if (closed || now() > deadline) return null;
      await new Promise((r) => setTimeout(r, CHANNEL_OPEN_POLL_MS));
    }
  }

  /** Control messages to one peer go out in order (sealing is async); one that cannot go fails its transfer. */
  function control(peerId: string, message: FileControl): Promise<void> {
    const seq = (seqTo.get(peerId) ?? 0) + 1;
    seqTo.set(peerId, seq);
    return serially(`out:${peerId}`, async () => {
      const frame = await sealControl(o.key, ctxTo(peerId), { epoch, seq }, message);
      const pipe = await openPipe(peerId);
      if (pipe?.send(frame)) return;
      const out = outgoing.get(message.id);
      const inc = incoming.get(message.id);
      if (out) finishOut(out, 'failed', 'connection');
      if (inc) finishIn(inc, 'failed', 'connection');
    });
  }

  function finishIn(i: Incoming, state: TransferState, error: TransferError | null = null): void {
    if (!ACTIVE.has(i.t.state)) return;
    i.t.state = state;
    i.t.error = error;
    if (state !== 'done') void i.sink?.discard().catch(() => undefined);
    changed();
  }

  function finishOut(out: Outgoing, state: TransferState, error: TransferError | null = null): void {
    if (!ACTIVE.has(out.t.state)) return;
    out.t.state = state;
    out.t.error = error;
    out.wake?.();
    changed();
  }

  // ---- Sending ----

  /**
   * Reads the file a block at a time and seals the block's chunks in
   * parallel (WebCrypto runs off the main thread), preparing the next block
   * while this one goes out: the channel, not our own steps, sets the pace.
   * At most two blocks are in memory.
   */
  async function pump(out: Outgoing): Promise<void> {
    const { t, file } = out;
    const ctx = ctxTo(t.peerId);
    const prepare = async (offset: number) => {
      const data = new Uint8Array(await file.slice(offset, Math.min(t.size, offset + BLOCK_BYTES)).arrayBuffer());
      const first = offset / CHUNK_BYTES;
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      for (let at = 0; at < data.length; at += CHUNK_BYTES) chunks.push(data.subarray(at, at + CHUNK_BYTES));
      const frames = await Promise.all(chunks.map((chunk, k) => sealChunk(o.key, ctx, t.id, first + k, chunk)));
      return { data, chunks, frames };
    };
    const hash = createContentHash();
    out.startedAt = now();
    let next = t.size > 0 ? prepare(0) : null;
    for (let offset = 0; next; offset += BLOCK_BYTES) {
      const block = await next;
      // Prepare the next block while this one is sent (its promise is awaited on the next turn, or dropped).
      next = offset + BLOCK_BYTES < t.size ? prepare(offset + BLOCK_BYTES) : null;
      next?.catch(() => undefined);
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
        if (!pipe?.open || !pipe.send(block.frames[k]!)) return finishOut(out, 'failed', 'connection');
        t.bytes += block.chunks[k]!.length;
        t.bytesPerSecond = rate(t.bytes, out.startedAt);
        progressed();
      }
    }
    await control(t.peerId, { t: 'done', id: t.id, sha256: encodeBase64Url(await hash.digest()) });
    // 'done' for the sender comes with the receiver's final ack (it checked the hash and has the file).
  }

  // ---- Receiving ----

  async function onControl(peerId: string, m: FileControl): Promise<void> {
    const out = outgoing.get(m.id);
    const inc = incoming.get(m.id);
    if (out && out.t.peerId !== peerId) return; // someone else's transfer id: ignore
    if (inc && inc.t.peerId !== peerId) return;
    switch (m.t) {
      case 'offer': {
        if (out || inc) return; // an id we already have
        const t: FileTransfer = {
          id: m.id,
          direction: 'in',
          peerId,
          peerName: o.nameOf(peerId),
          name: sanitizeFileName(m.name),
          size: m.size,
          type: m.type.slice(0, 100),
          state: 'offered',
          bytes: 0,
          bytesPerSecond: 0,
          error: null,
          url: null,
        };
        incoming.set(m.id, { t, sink: null, hash: createContentHash(), next: 0, received: 0, block: new Uint8Array(0), blockFill: 0, written: 0, lastAck: 0, writes: Promise.resolve(), startedAt: 0, heardAt: 0 });
        order.push(m.id);
        if (m.size > MAX_FILE_BYTES) {
          t.state = 'failed';
          t.error = 'too_large';
          void control(peerId, { t: 'decline', id: m.id });
        }
        changed();
        return;
      }
      case 'accept':
        if (out?.t.state === 'waiting') {
          out.t.state = 'sending';
          changed();
          void pump(out).catch(() => finishOut(out, 'failed', 'connection'));
        }
        return;
      case 'decline':
        if (out) finishOut(out, 'declined');
        return;
      case 'ack':
        if (out && m.bytes <= out.t.size) {
          out.acked = Math.max(out.acked, m.bytes);
          out.wake?.();
          if (out.acked === out.t.size && out.t.bytes === out.t.size) finishOut(out, 'done');
        }
        return;
      case 'cancel':
        if (out) finishOut(out, m.reason === 'failed' ? 'failed' : 'cancelled', m.reason === 'failed' ? 'remote_failed' : null);
        if (inc) finishIn(inc, m.reason === 'failed' ? 'failed' : 'cancelled', m.reason === 'failed' ? 'remote_failed' : null);
        return;
      case 'done':
        if (inc?.t.state === 'receiving') await complete(inc, m.sha256);
        return;
    }
  }

  function failIn(inc: Incoming, error: TransferError): void {
    finishIn(inc, 'failed', error);
    void control(inc.t.peerId, { t: 'cancel', id: inc.t.id, reason: 'failed' });
  }

  /**
   * Checks where a chunk belongs now, in arrival order, then lets its
   * decryption run alongside the next chunks'; the plaintext is gathered into
   * blocks (the content hash's, whatever size the chunks are) that are hashed
   * and written in order on `inc.writes`: one disk write per block.
   */
  function onChunk(peerId: string, frame: ArrayBuffer): void {
    const header = chunkHeader(frame);
    const inc = header ? incoming.get(header.id) : undefined;
    if (!header || !inc || inc.t.peerId !== peerId) return; // not a transfer of ours with this peer: drop
    if (inc.t.state !== 'receiving') {
      // Chunks still in flight after a cancel are expected; anything else is a protocol breach.
      if (inc.t.state === 'offered') failIn(inc, 'out_of_order');
      return;
    }
    if (header.index !== inc.next) return failIn(inc, 'out_of_order');
    inc.next++;
    inc.heardAt = now();
    const opening = openChunk(o.key, ctxFrom(peerId), frame, inc.t.id, header.index);
    inc.writes = inc.writes.then(async () => {
      const data = await opening;
      if (!taking(inc)) return;
      if (!data) return failIn(inc, 'damaged');
      if (inc.received + data.length > inc.t.size) return failIn(inc, 'too_much_data');
      inc.received += data.length;
      for (let at = 0; at < data.length; ) {
        if (inc.block.length === 0) inc.block = new Uint8Array(Math.min(BLOCK_BYTES, inc.t.size - (inc.received - data.length + at)));
        const n = Math.min(data.length - at, inc.block.length - inc.blockFill);
        inc.block.set(data.subarray(at, at + n), inc.blockFill);
        inc.blockFill += n;
        at += n;
        if (inc.blockFill === inc.block.length) await flush(inc);
        if (!taking(inc)) return;
      }
    });
  }

  /** Whether chunks still count: 'verifying' means "done" came while some were still queued. */
  const taking = (inc: Incoming) => inc.t.state === 'receiving' || inc.t.state === 'verifying';

  /** Hashes and writes the full block. */
  async function flush(inc: Incoming): Promise<void> {
    const batch = inc.block;
    inc.block = new Uint8Array(0);
    inc.blockFill = 0;
    inc.hash.add(batch);
    try {
      await inc.sink!.write(batch);
    } catch {
      return failIn(inc, 'storage');
    }
    if (!taking(inc)) return;
    inc.written += batch.length;
    inc.heardAt = now(); // a slow disk holds the sender back: not the sender's silence
    inc.t.bytes = inc.written;
    inc.t.bytesPerSecond = rate(inc.written, inc.startedAt);
    if (inc.written - inc.lastAck >= ACK_EVERY_BYTES) {
      inc.lastAck = inc.written;
      void control(inc.t.peerId, { t: 'ack', id: inc.t.id, bytes: inc.written });
    }
    progressed();
  }

  async function complete(inc: Incoming, expected: string): Promise<void> {
    inc.t.state = 'verifying';
    changed();
    await inc.writes;
    if (inc.t.state !== 'verifying') return;
    if (inc.written !== inc.t.size) return failIn(inc, 'incomplete');
    if (encodeBase64Url(await inc.hash.digest()) !== expected) return failIn(inc, 'hash_mismatch');
    if (inc.t.state !== 'verifying') return;
    let blob: Blob;
    try {
      blob = await inc.sink!.finish();
    } catch {
      return failIn(inc, 'storage');
    }
    if (inc.t.state !== 'verifying') return;
    inc.t.url = URL.createObjectURL(blob);
    inc.t.state = 'done';
    changed();
    void control(inc.t.peerId, { t: 'ack', id: inc.t.id, bytes: inc.t.size });
  }

  return {
    list: all,
    send(file, peerIds) {
      const made: FileTransfer[] = [];
      for (const peerId of peerIds) {
        const t: FileTransfer = {
          id: newTransferId(),
          direction: 'out',
          peerId,
          peerName: o.nameOf(peerId),
          // Shown to the sender too without bidi overrides or control characters (file-name.ts).
          name: sanitizeFileName(file.name),
          size: file.size,
          type: file.type,
          state: 'waiting',
          bytes: 0,
          bytesPerSecond: 0,
          error: null,
          url: null,
        };
        outgoing.set(t.id, { t, file, acked: 0, startedAt: 0, wake: null });
        order.push(t.id);
        made.push({ ...t });
        void control(peerId, { t: 'offer', id: t.id, name: file.name, size: file.size, type: file.type });
      }
      changed();
      return made;
    },
    async accept(id) {
      const inc = incoming.get(id);
      if (!inc || inc.t.state !== 'offered') return;
      inc.t.state = 'receiving';
      changed();
      try {
        inc.sink = await o.createSink(inc.t.name, inc.t.size);
      } catch {
        return failIn(inc, 'storage');
      }
      if (inc.t.state !== 'receiving') return void inc.sink.discard().catch(() => undefined);
      inc.startedAt = inc.heardAt = now();
      watchForStalls();
      await control(inc.t.peerId, { t: 'accept', id });
    },
    decline(id) {
      const inc = incoming.get(id);
      if (!inc || inc.t.state !== 'offered') return;
      finishIn(inc, 'declined');
      void control(inc.t.peerId, { t: 'decline', id });
    },
    cancel(id) {
      const out = outgoing.get(id);
      const inc = incoming.get(id);
      const t = out?.t ?? inc?.t;
      if (!t || !ACTIVE.has(t.state)) return;
      if (out) finishOut(out, 'cancelled');
      if (inc) finishIn(inc, 'cancelled');
      void control(t.peerId, { t: 'cancel', id, reason: 'cancelled' });
    },
    dismiss(id) {
      const out = outgoing.get(id);
      const inc = incoming.get(id);
      if (!out && !inc) return;
      if ((out && ACTIVE.has(out.t.state)) || (inc && ACTIVE.has(inc.t.state))) this.cancel(id);
      if (inc?.t.url) URL.revokeObjectURL(inc.t.url);
      void inc?.sink?.discard().catch(() => undefined);
      outgoing.delete(id);
      incoming.delete(id);
      order.splice(order.indexOf(id), 1);
      changed();
    },
    receive(peerId, frame) {
      if (closed) return Promise.resolve();
      return serially(`in:${peerId}`, async () => {
        if (typeof frame !== 'string') return onChunk(peerId, frame);
        const opened = await openControl(o.key, ctxFrom(peerId), frame);
        if (!opened || !inOrder(peerId, opened.order)) return; // forged, replayed or reordered: dropped
        await onControl(peerId, opened.payload);
      });
    },
    peerGone(peerId) {
      for (const out of outgoing.values()) if (out.t.peerId === peerId) finishOut(out, 'failed', 'peer_left');
      for (const inc of incoming.values()) if (inc.t.peerId === peerId) finishIn(inc, 'failed', 'peer_left');
    },
    close() {
      closed = true;
      if (progressTimer) clearTimeout(progressTimer);
      if (stallTimer) clearInterval(stallTimer);
      for (const out of outgoing.values()) {
        out.t.state = ACTIVE.has(out.t.state) ? 'cancelled' : out.t.state;
        out.wake?.();
      }
      for (const inc of incoming.values()) {
        if (inc.t.url) URL.revokeObjectURL(inc.t.url);
        void inc.sink?.discard().catch(() => undefined);
      }
      outgoing.clear();
      incoming.clear();
      order.length = 0;
    },
  };
}
