/**
 * Files in an SFU meeting: a FramePipe per person over the server's `signal`
 * relay, since there is no data channel between people any more. The frames
 * are the ones a mesh sends on its `files` channel, already sealed by
 * files/file-crypto.ts (control messages as sealed JSON, chunks as AES-GCM
 * frames whose additional data binds the meeting, both people, the transfer
 * and the chunk's index); this pipe only carries them. So the server sees
 * ciphertext, sizes, timing, and each chunk's clear header (a random transfer
 * id and the chunk's index), as docs/protocol.md §6.2 says.
 *
 * What the server enforces shapes the pipe (signaling/src):
 * - a WebSocket frame is at most MAX_FRAME_BYTES (64 KiB) of JSON: a frame is
 *   cut into pieces of at most MAX_PIECE_BYTES, base64url-encoded (4/3), so
 *   a relayed piece is under 48 KiB of text on the way in and out (and in a
 *   cluster's envelope);
 * - each connection may send 50 messages a second (burst 200), and 100
 *   dropped in a row close it: all the pipes of one person share one pacer of
 *   FILE_SIGNALS_PER_SECOND, acknowledgements included, so chat, key and SFU
 *   messages keep more than half the allowance and all of the burst;
 * - a receiver whose socket has more than 1 MiB waiting is cut off as a slow
 *   consumer: a sender keeps at most a window of text in flight to each
 *   receiver, and the receiver sets that window (acknowledgements carry it),
 *   sharing RECEIVER_BUDGET_CHARS between everyone sending to it at once.
 *
 * `bufferedAmount` is what was handed to the pipe and not yet acknowledged by
 * the receiver (queued here, in the sockets, or at the server), so the file
 * sender's high-water mark bounds it end to end, as a data channel's buffer
 * does. A pipe whose receiver stops acknowledging (ACK_TIMEOUT_MS), or whose
 * socket is down, closes: its transfers fail with 'connection', and the next
 * transfer gets a new pipe (a new stream id).
 *
 * Pieces are numbered per stream, and within their frame. The numbers are not
 * authenticated — the server may rewrite them — so they only keep reassembly
 * honest: a gap, a repeat or a reordering throws away the frame being
 * assembled (the next frame is taken whole), and the
 * sealed frames' own checks (the chunk index in the AEAD data; the control
 * messages' sealed order) make the transfer fail, never take the wrong bytes.
 */
import * as v from 'valibot';
import { decodeBase64Url } from '../../../common/crypto/base64url.js';
import type { FramePipe } from '../files/file-transfer-types.js';
import {
  ACTIVE_SENDER_MS,
  FILE_SIGNAL_BURST,
  FILE_SIGNALS_PER_SECOND,
  MAX_FRAME_BYTES,
  MAX_WINDOW_CHARS,
  MIN_WINDOW_CHARS,
  RECEIVER_BUDGET_CHARS,
  ACK_EVERY_MS,
  ACK_TIMEOUT_MS,
  RelayedFileAck,
  RelayedFilePiece,
  RelayFileError,
  RelayPipe,
  type Ack,
  type Piece,
  type RelayFileProblem,
} from './relay-pipe.js';

export { FILE_SIGNALS_PER_SECOND, isRelayedFileSignal, RelayFileError, type RelayFileProblem } from './relay-pipe.js';

export interface RelayedFilesOptions {
  /** Relays one signal now; false if the socket is not open (never queued for later). */
  send(to: string, data: unknown): boolean;
  isMember(peerId: string): boolean;
  /** A whole frame from a member, for file-transfers.ts to open and check. */
  onFrame(peerId: string, frame: string | ArrayBuffer): void;
  onProblem(error: RelayFileError): void;
  now?: () => number;
}


/** The receiving end of one sender's stream. */
interface Inbound {
  stream: string;
  next: number;
  /** The frame being put together, from its part 0 on. */
  parts: string[];
  chars: number;
  bin: boolean;
  heardAt: number;
  ackedSeq: number;
  lastAckAt: number;
  ackTimer: ReturnType<typeof setTimeout> | null;
}

/** Every relay pipe of one person: the pacer they share, and the receiving ends. */
export class RelayedFiles {
  readonly #o: RelayedFilesOptions;
  readonly #now: () => number;
  readonly #pipes = new Map<string, RelayPipe>();
  readonly #inbound = new Map<string, Inbound>();
  /** Acknowledgements waiting for the pacer: they go before pieces. */
  readonly #acks = new Map<string, Ack>();
  #tokens = FILE_SIGNAL_BURST;
  #refilledAt: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #watch: ReturnType<typeof setInterval> | null = null;
  /** Round robin between receivers. */
  #turn = 0;
  #closed = false;
  /** Counted, for tests and the bench. */
  readonly counts = { piecesSent: 0, acksSent: 0, framesIn: 0, problems: 0 };

  constructor(options: RelayedFilesOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
    this.#refilledAt = this.#now();
  }

  /** The pipe to `peerId`: the open one, or a new one if the last closed. */
  pipeTo(peerId: string): FramePipe | null {
    if (this.#closed || !this.#o.isMember(peerId)) return null;
    const pipe = this.#pipes.get(peerId);
    if (pipe && !pipe.closed) return pipe;
    const fresh = new RelayPipe(peerId, this);
    this.#pipes.set(peerId, fresh);
    return fresh;
  }

  /** A `file` or `file-ack` signal, with `from` as the server stamped it. */
  handleSignal(from: string, data: unknown): void {
    if (this.#closed) return;
    if (!this.#o.isMember(from)) return this.#problem('relay_file_stranger', from);
    const piece = v.safeParse(RelayedFilePiece, data);
    if (piece.success) return this.#piece(from, piece.output);
    const ack = v.safeParse(RelayedFileAck, data);
    if (ack.success) return this.#ack(from, ack.output);
    this.#problem('relay_file_malformed', from);
  }

  /** `peerId` left: their pipes close (transfers with them fail as peer_left first). */
  removePeer(peerId: string): void {
    this.#pipes.get(peerId)?.close();
    this.#pipes.delete(peerId);
    const inbound = this.#inbound.get(peerId);
    if (inbound?.ackTimer) clearTimeout(inbound.ackTimer);
    this.#inbound.delete(peerId);
    this.#acks.delete(peerId);
  }

  close(): void {
    this.#closed = true;
    for (const id of [...this.#pipes.keys(), ...this.#inbound.keys()]) this.removePeer(id);
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#watch) clearInterval(this.#watch);
    this.#timer = this.#watch = null;
  }

  // ---- Receiving ----

  #piece(from: string, p: Piece): void {
    const now = this.#now();
    let inbound = this.#inbound.get(from);
    if (!inbound || inbound.stream !== p.stream) {
      // A new stream begins at 0; anything else is the middle of one we never saw begin.
      if (p.seq !== 0) return this.#problem('relay_file_gap', from);
      if (inbound?.ackTimer) clearTimeout(inbound.ackTimer);
      inbound = { stream: p.stream, next: 0, parts: [], chars: 0, bin: p.bin, heardAt: now, ackedSeq: -1, lastAckAt: 0, ackTimer: null };
      this.#inbound.set(from, inbound);
    }
    inbound.heardAt = now;
    if (p.seq < inbound.next) return this.#problem('relay_file_gap', from); // repeated, or late after a gap: nothing to acknowledge
    this.#scheduleAck(from, inbound, p.seq);
    const gap = p.seq > inbound.next;
    inbound.next = p.seq + 1;
    // Pieces went missing: the frame being put together cannot be whole. The next part 0 starts afresh.
    if (gap) {
      this.#drop(inbound);
      this.#problem('relay_file_gap', from);
    }
    if (p.part === 0) {
      if (inbound.parts.length > 0) this.#problem('relay_file_malformed', from); // a frame that never ended
      this.#drop(inbound);
      inbound.bin = p.bin;
    } else if (p.part !== inbound.parts.length || p.bin !== inbound.bin) {
      // The middle of a frame whose start we do not have (after a gap: already reported), or a mixed one.
      const lost = inbound.parts.length > 0;
      this.#drop(inbound);
      if (!gap || lost) this.#problem('relay_file_malformed', from);
      return;
    }
    inbound.parts.push(p.data);
    inbound.chars += p.data.length;
    const limit = p.bin ? Math.ceil((MAX_FRAME_BYTES * 4) / 3) : MAX_FRAME_BYTES;
    if (inbound.chars > limit) {
      this.#drop(inbound);
      return this.#problem('relay_file_malformed', from);
    }
    if (!p.end) return;
    const parts = inbound.parts;
    this.#drop(inbound);
    let frame: string | ArrayBuffer;
    if (p.bin) {
      let decoded: Uint8Array<ArrayBuffer>[];
      try {
        decoded = parts.map(decodeBase64Url);
      } catch {
        // Base64UrlError: the frame is not whole bytes; it is dropped and reported.
        return this.#problem('relay_file_malformed', from);
      }
      const whole = new Uint8Array(decoded.reduce((n, d) => n + d.length, 0));
      let at = 0;
      for (const d of decoded) {
        whole.set(d, at);
        at += d.length;
      }
      frame = whole.buffer;
    } else frame = parts.join('');
    this.counts.framesIn++;
    this.#o.onFrame(from, frame);
  }

  #drop(inbound: Inbound): void {
    inbound.parts = [];
    inbound.chars = 0;
  }

  /** Acknowledges at most every ACK_EVERY_MS, with the window this sender may use now. */
  #scheduleAck(from: string, inbound: Inbound, seq: number): void {
    inbound.ackedSeq = Math.max(inbound.ackedSeq, seq);
    if (inbound.ackTimer) return;
    const wait = Math.max(0, inbound.lastAckAt + ACK_EVERY_MS - this.#now());
    inbound.ackTimer = setTimeout(() => {
      inbound.ackTimer = null;
      if (this.#inbound.get(from) !== inbound) return;
      inbound.lastAckAt = this.#now();
      this.#acks.set(from, { kind: 'file-ack', stream: inbound.stream, seq: inbound.ackedSeq, window: this.#windowFor() });
      this.kick();
    }, wait);
  }

  #windowFor(): number {
    const now = this.#now();
    let active = 0;
    for (const i of this.#inbound.values()) if (now - i.heardAt <= ACTIVE_SENDER_MS) active++;
    return Math.max(MIN_WINDOW_CHARS, Math.min(MAX_WINDOW_CHARS, Math.floor(RECEIVER_BUDGET_CHARS / Math.max(1, active))));
  }

  // ---- Sending ----

  #ack(from: string, ack: Ack): void {
    const pipe = this.#pipes.get(from);
    if (!pipe || pipe.stream !== ack.stream) return; // for a pipe that closed: nothing in flight any more
    if (!pipe.acknowledged(ack, this.#now())) return this.#problem('relay_file_malformed', from);
    this.kick();
  }

  /** Sends what the pacer and the windows allow now, and comes back when more is allowed. */
  kick(): void {
    if (this.#closed || this.#timer) return;
    const now = this.#now();
    this.#tokens = Math.min(FILE_SIGNAL_BURST, this.#tokens + ((now - this.#refilledAt) / 1000) * FILE_SIGNALS_PER_SECOND);
    this.#refilledAt = now;
    while (this.#tokens >= 1) {
      const next = this.#nextToSend();
      if (!next) break;
      this.#tokens -= 1;
      if (!this.#o.send(next.to, next.data)) {
        const pipe = this.#pipes.get(next.to);
        if (pipe && next.data.kind === 'file') {
          pipe.close();
          this.#problem('relay_file_unsent', next.to);
        }
        continue;
      }
      if (next.data.kind === 'file') this.counts.piecesSent++;
      else this.counts.acksSent++;
    }
    this.#watchAcks();
    if (this.#tokens < 1 && this.#hasWork()) {
      this.#timer = setTimeout(
        () => {
          this.#timer = null;
          this.kick();
        },
        Math.ceil(((1 - this.#tokens) / FILE_SIGNALS_PER_SECOND) * 1000),
      );
    }
  }

  #nextToSend(): { to: string; data: Piece | Ack } | null {
    for (const [to, ack] of this.#acks) {
      this.#acks.delete(to);
      return { to, data: ack };
    }
    const pipes = [...this.#pipes.values()];
    for (let k = 0; k < pipes.length; k++) {
      const pipe = pipes[(this.#turn + k) % pipes.length]!;
      if (!pipe.ready()) continue;
      this.#turn = (this.#turn + k + 1) % pipes.length;
      const q = pipe.queue.shift()!;
      pipe.sent(q, this.#now());
      return { to: pipe.peerId, data: q.piece };
    }
    return null;
  }

  #hasWork(): boolean {
    if (this.#acks.size > 0) return true;
    for (const pipe of this.#pipes.values()) if (pipe.ready()) return true;
    return false;
  }

  /** While anything is in flight, a receiver that stopped acknowledging closes its pipe. */
  #watchAcks(): void {
    const waiting = [...this.#pipes.values()].some((p) => !p.closed && p.inFlight.length > 0);
    if (waiting && !this.#watch) {
      this.#watch = setInterval(() => {
        const now = this.#now();
        for (const pipe of this.#pipes.values()) {
          if (pipe.closed || pipe.inFlight.length === 0 || now - pipe.lastAckAt <= ACK_TIMEOUT_MS) continue;
          pipe.close();
          this.#problem('relay_file_unacked', pipe.peerId);
        }
        if (![...this.#pipes.values()].some((p) => !p.closed && p.inFlight.length > 0)) {
          clearInterval(this.#watch!);
          this.#watch = null;
        }
      }, 1_000);
    }
  }

  #problem(code: RelayFileProblem, peerId: string): void {
    this.counts.problems++;
    this.#o.onProblem(new RelayFileError(code, peerId));
  }
}
