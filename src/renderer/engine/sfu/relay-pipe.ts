/**
 * The wire of the file relay (relayed-files.ts says why it is shaped so): the
 * pieces and acknowledgements as the server relays them, their limits, and
 * the sending end of one pipe (queue, window, what is in flight).
 */
import * as v from 'valibot';
import { encodeBase64Url } from '../../../common/crypto/base64url.js';
import type { FramePipe } from '../files/file-transfer-types.js';

/** Binary bytes per piece: 36 KiB → 49,152 characters of base64url, plus about 150 of JSON around it. */
export const MAX_PIECE_BYTES = 36 * 1024;
export const MAX_PIECE_CHARS = (MAX_PIECE_BYTES / 3) * 4;
/** A whole frame as reassembled: a chunk frame is 64 KiB + 49 bytes; a sealed control message under 8,000 characters. */
export const MAX_FRAME_BYTES = 64 * 1024 + 1024;
export const MAX_FRAME_PIECES = Math.ceil(MAX_FRAME_BYTES / MAX_PIECE_BYTES);
/** Relayed file messages a second, from one person, pieces and acknowledgements together (the server allows 50). */
export const FILE_SIGNALS_PER_SECOND = 20;
export const FILE_SIGNAL_BURST = 4;
/** In flight to one receiver at most (it may set less). At 20 pieces a second, 8 pieces cover 400 ms of round trip. */
export const MAX_WINDOW_CHARS = 8 * MAX_PIECE_CHARS;
/** Always allowed: one whole piece, so a narrow window never stalls. */
export const MIN_WINDOW_CHARS = MAX_PIECE_CHARS;
/** Shared by everyone sending to one receiver at once: half the server's 1 MiB slow-consumer limit. */
export const RECEIVER_BUDGET_CHARS = 512 * 1024;
/** A sender counts as sending to us if heard from this recently. */
export const ACTIVE_SENDER_MS = 2_000;
/** A receiver acknowledges at most this often (5 a second per sender). */
export const ACK_EVERY_MS = 200;
/**
 * A sender with pieces in flight and no acknowledgement for this long gives
 * up on the pipe. Acknowledgements come every 200 ms while pieces arrive;
 * 10 s is 50 of them, well past a reconnecting socket's first retry.
 */
export const ACK_TIMEOUT_MS = 10_000;
/** Below this (bytes not yet acknowledged), drained() resolves: the mesh's files channel uses 256 KiB too. */
export const LOW_WATER_BYTES = 256 * 1024;

const StreamId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16}$/));
const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

/** One piece of a frame: `part` counts from 0 within the frame, `end` marks its last; `bin` frames are base64url bytes, others text. */
export const RelayedFilePiece = v.strictObject({
  kind: v.literal('file'),
  stream: StreamId,
  seq: Seq,
  part: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_FRAME_PIECES - 1)),
  bin: v.boolean(),
  end: v.boolean(),
  data: v.pipe(v.string(), v.maxLength(MAX_PIECE_CHARS)),
});
/** "Everything up to `seq` of `stream` arrived; keep at most `window` characters in flight." */
export const RelayedFileAck = v.strictObject({
  kind: v.literal('file-ack'),
  stream: StreamId,
  seq: Seq,
  window: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type Piece = v.InferOutput<typeof RelayedFilePiece>;
export type Ack = v.InferOutput<typeof RelayedFileAck>;

/** Whether a signal is for the file relay (its shape is checked when it is handled). */
export function isRelayedFileSignal(data: unknown): boolean {
  const kind = typeof data === 'object' && data !== null ? (data as { kind?: unknown }).kind : undefined;
  return kind === 'file' || kind === 'file-ack';
}

/** What can go wrong in the relay, reported with the person it concerns; nothing else is lost. */
export type RelayFileProblem =
  | 'relay_file_malformed' // a piece or acknowledgement that fails its schema, its base64, or the frame's size
  | 'relay_file_stranger' // from someone who is not a member of the meeting
  | 'relay_file_gap' // a piece missing, repeated or out of order: the frame being assembled is dropped
  | 'relay_file_unacked' // our pieces went unacknowledged for ACK_TIMEOUT_MS: the pipe closed
  | 'relay_file_unsent'; // the socket was down: the pipe closed

export class RelayFileError extends Error {
  override readonly name = 'RelayFileError';
  constructor(
    readonly code: RelayFileProblem,
    readonly peerId: string,
  ) {
    super(`${code} (${peerId})`);
  }
}


export interface Queued {
  piece: Piece;
  /** The frame bytes this piece stands for (bufferedAmount counts those). */
  bytes: number;
}

export class RelayPipe implements FramePipe {
  readonly stream = encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)));
  readonly queue: Queued[] = [];
  /** Sent, not yet acknowledged: seq, characters, bytes. */
  readonly inFlight: { seq: number; chars: number; bytes: number }[] = [];
  inFlightChars = 0;
  queuedBytes = 0;
  inFlightBytes = 0;
  nextSeq = 0;
  window = MIN_WINDOW_CHARS;
  lastAckAt = 0;
  closed = false;
  readonly waiters = new Set<() => void>();

  constructor(
    readonly peerId: string,
    private readonly pacer: { kick(): void },
  ) {}

  get open(): boolean {
    return !this.closed;
  }

  get bufferedAmount(): number {
    return this.queuedBytes + this.inFlightBytes;
  }

  send(data: string | ArrayBuffer): boolean {
    if (this.closed) return false;
    const bin = typeof data !== 'string';
    const size = bin ? data.byteLength : data.length;
    if (size > MAX_FRAME_BYTES) return false;
    const parts = Math.max(1, Math.ceil(size / MAX_PIECE_BYTES));
    const each = Math.ceil(size / parts);
    const bytes = bin ? new Uint8Array(data) : null;
    for (let k = 0; k < parts; k++) {
      const from = k * each;
      const to = Math.min(size, from + each);
      const text = bytes ? encodeBase64Url(bytes.subarray(from, to)) : (data as string).slice(from, to);
      this.queue.push({ piece: { kind: 'file', stream: this.stream, seq: this.nextSeq++, part: k, bin, end: k === parts - 1, data: text }, bytes: to - from });
      this.queuedBytes += to - from;
    }
    this.pacer.kick();
    return true;
  }

  drained(): Promise<void> {
    if (this.closed || this.bufferedAmount <= LOW_WATER_BYTES) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Whether the next piece fits the receiver's window (one piece always does). */
  ready(): boolean {
    const next = this.queue[0];
    return !this.closed && next !== undefined && (this.inFlight.length === 0 || this.inFlightChars + next.piece.data.length <= this.window);
  }

  sent(q: Queued, now: number): void {
    if (this.inFlight.length === 0) this.lastAckAt = now; // the acknowledgement clock starts with the first piece in flight
    this.inFlight.push({ seq: q.piece.seq, chars: q.piece.data.length, bytes: q.bytes });
    this.inFlightChars += q.piece.data.length;
    this.inFlightBytes += q.bytes;
    this.queuedBytes -= q.bytes;
  }

  acknowledged(ack: Ack, now: number): boolean {
    const last = this.inFlight.at(-1);
    if (!last || ack.seq > last.seq) return ack.seq < this.nextSeq - this.queue.length; // an old or repeated ack is harmless; one for unsent pieces is not
    while (this.inFlight.length > 0 && this.inFlight[0]!.seq <= ack.seq) {
      const done = this.inFlight.shift()!;
      this.inFlightChars -= done.chars;
      this.inFlightBytes -= done.bytes;
    }
    this.window = Math.min(MAX_WINDOW_CHARS, Math.max(MIN_WINDOW_CHARS, ack.window));
    this.lastAckAt = now;
    this.wake();
    return true;
  }

  wake(): void {
    if (!this.closed && this.bufferedAmount > LOW_WATER_BYTES) return;
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.wake();
  }
}

