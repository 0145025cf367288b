/**
 * The bookkeeping both directions of a file transfer share: the table of
 * transfers (in the order they began), change notifications (progress at most
 * every PROGRESS_EVERY_MS), sealed control messages to a peer in order, the
 * end of a transfer, and the watch that fails a receive whose sender went
 * quiet. file-sending.ts and file-receiving.ts work on it; file-transfers.ts
 * owns it.
 */
import { createSerialQueues } from '../serial.js';
import { newEpoch } from '../sealed-json.js';
import { sealControl, type FileLinkContext } from './file-crypto.js';
import type { ContentHash } from './content-hash.js';
import { HASH_BLOCK_BYTES, type FileControl } from './file-protocol.js';
import type { FramePipe, FileSink, FileTransfer, FileTransfersOptions, TransferError, TransferState } from './file-transfer-types.js';
import { reportAs } from '../failures.js';

/** Chunks are not sent while this much is waiting in the channel's buffer. */
export const HIGH_WATER_BYTES = 1024 * 1024;
/** The sender reads, hashes and seals a block at a time; the receiver hashes and writes one at a time. */
export const BLOCK_BYTES = HASH_BLOCK_BYTES;
const PROGRESS_EVERY_MS = 100;
const CHANNEL_OPEN_WAIT_MS = 15_000;
const CHANNEL_OPEN_POLL_MS = 100;
/**
 * A receiving transfer with nothing from its sender for this long fails: a
 * sender whose channel died without them leaving the meeting sends no
 * cancel, and the receiver must not wait forever with a half-written file.
 */
export const STALL_MS = 30_000;
const STALL_CHECK_MS = 1_000;
export const ACTIVE: ReadonlySet<TransferState> = new Set(['offered', 'waiting', 'sending', 'receiving', 'verifying']);

export interface Outgoing {
  t: FileTransfer;
  file: Blob;
  acked: number;
  startedAt: number;
  /** Wakes the sending loop (an ack arrived, or the state changed). */
  wake: (() => void) | null;
}

export interface Incoming {
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

export interface TransferCore {
  readonly o: FileTransfersOptions;
  readonly now: () => number;
  readonly outgoing: Map<string, Outgoing>;
  readonly incoming: Map<string, Incoming>;
  /** Transfer ids in the order they began (the list the UI shows). */
  readonly order: string[];
  /** Set by close(): nothing new starts. */
  closed: boolean;
  /** Copies of every transfer, in order. */
  all(): FileTransfer[];
  /** Tells the UI now. */
  changed(): void;
  /** Progress only: tells the UI at most every PROGRESS_EVERY_MS. */
  progressed(): void;
  /** Bytes per second since `since`. */
  rate(bytes: number, since: number): number;
  ctxTo(peerId: string): FileLinkContext;
  ctxFrom(peerId: string): FileLinkContext;
  /** Control messages to one peer go out in order (sealing is async); one that cannot go fails its transfer. */
  control(peerId: string, message: FileControl): Promise<void>;
  /** Runs `task` after every earlier task on `queue`. */
  serially: ReturnType<typeof createSerialQueues>;
  finishIn(i: Incoming, state: TransferState, error?: TransferError | null): void;
  finishOut(out: Outgoing, state: TransferState, error?: TransferError | null): void;
  /** Fails an incoming transfer and tells its sender. */
  failIn(inc: Incoming, error: TransferError): void;
  /** Runs while something is being received; fails what has gone quiet. */
  watchForStalls(): void;
  /** Stops the progress and stall timers. */
  stopTimers(): void;
}

export function createTransferCore(o: FileTransfersOptions): TransferCore {
  const now = o.now ?? (() => performance.now());
  const epoch = newEpoch();
  const seqTo = new Map<string, number>();
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  let stallTimer: ReturnType<typeof setInterval> | null = null;

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
      if (core.closed || now() > deadline) return null;
      await new Promise((r) => setTimeout(r, CHANNEL_OPEN_POLL_MS));
    }
  }

  const core: TransferCore = {
    o,
    now,
    outgoing: new Map(),
    incoming: new Map(),
    order: [],
    closed: false,
    serially: createSerialQueues(),
    all: () => core.order.map((id) => (core.outgoing.get(id) ?? core.incoming.get(id))!.t).map((t) => ({ ...t })),
    changed() {
      if (progressTimer) clearTimeout(progressTimer);
      progressTimer = null;
      o.onChange(core.all());
    },
    progressed() {
      progressTimer ??= setTimeout(core.changed, PROGRESS_EVERY_MS);
    },
    rate(bytes, since) {
      const s = (now() - since) / 1000;
      return s > 0 ? bytes / s : 0;
    },
    ctxTo: (peerId) => ({ meetingId: o.meetingId, from: o.localPeerId() ?? '', to: peerId }),
    ctxFrom: (peerId) => ({ meetingId: o.meetingId, from: peerId, to: o.localPeerId() ?? '' }),
    control(peerId, message) {
      const seq = (seqTo.get(peerId) ?? 0) + 1;
      seqTo.set(peerId, seq);
      return core.serially(`out:${peerId}`, async () => {
        const frame = await sealControl(o.key, core.ctxTo(peerId), { epoch, seq }, message);
        const pipe = await openPipe(peerId);
        if (pipe?.send(frame)) return;
        const out = core.outgoing.get(message.id);
        const inc = core.incoming.get(message.id);
        if (out) core.finishOut(out, 'failed', 'connection');
        if (inc) core.finishIn(inc, 'failed', 'connection');
      });
    },
    finishIn(i, state, error = null) {
      if (!ACTIVE.has(i.t.state)) return;
      i.t.state = state;
      i.t.error = error;
      if (state !== 'done') void i.sink?.discard().catch(reportAs('discarding a received file'));
      core.changed();
    },
    finishOut(out, state, error = null) {
      if (!ACTIVE.has(out.t.state)) return;
      out.t.state = state;
      out.t.error = error;
      out.wake?.();
      core.changed();
    },
    failIn(inc, error) {
      core.finishIn(inc, 'failed', error);
      void core.control(inc.t.peerId, { t: 'cancel', id: inc.t.id, reason: 'failed' });
    },
    watchForStalls() {
      stallTimer ??= setInterval(() => {
        let receiving = 0;
        for (const inc of core.incoming.values()) {
          if (inc.t.state !== 'receiving') continue;
          if (now() - inc.heardAt > STALL_MS) core.failIn(inc, 'stalled');
          else receiving++;
        }
        if (receiving === 0 && stallTimer) {
          clearInterval(stallTimer);
          stallTimer = null;
        }
      }, STALL_CHECK_MS);
    },
    stopTimers() {
      if (progressTimer) clearTimeout(progressTimer);
      if (stallTimer) clearInterval(stallTimer);
    },
  };
  return core;
}
