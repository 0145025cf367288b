/**
 * The frame-crypto worker's state and work, apart from the worker glue
 * (frame-worker.ts) so it is the same code wherever frames come from:
 * RTCRtpScriptTransform's transformer or createEncodedStreams' streams.
 *
 * A frame that cannot be sealed (no key yet, a codec whose header we do not
 * know) is dropped, never sent in clear; a frame that does not open is
 * dropped and counted.
 */
import { isSupportedCodec } from './codec-clear-bytes.js';
import { DecryptStateTracker } from './decrypt-state.js';
import { FrameDecryptor, FrameEncryptor } from './frame-crypto.js';
import { FrameTimings } from './frame-timings.js';
import type { FromFrameWorker, ToFrameWorker, TransformRole } from './frame-worker-messages.js';
import type { FrameCryptoStats, MediaKind } from './media-e2ee.js';
import type { MediaKey } from './media-key.js';
import { ReceiverKeyRing } from './receiver-key-ring.js';

type EncodedFrame = RTCEncodedVideoFrame | RTCEncodedAudioFrame;

interface Sender {
  ring: ReceiverKeyRing;
  decryptor: FrameDecryptor;
  trackers: Map<MediaKind, DecryptStateTracker>;
}

export class FrameWorkerCore {
  readonly #encryptor = new FrameEncryptor();
  readonly #decryptTimings = new FrameTimings();
  readonly #senders = new Map<string, Sender>();
  /** Frames the sender side refused to send (no key, unknown codec). */
  #unsent = 0;
  /** Dropped frames of people who left (their decryptors are gone). */
  #droppedBefore = 0;
  /** When the last scheduled send key takes over, so keys take over in order. */
  #lastSwitchAt = 0;

  constructor(private readonly post: (message: FromFrameWorker) => void) {}

  handle(message: ToFrameWorker): void {
    switch (message.type) {
      case 'send-key':
        return this.#scheduleSendKey(message.key, message.delayMs);
      case 'receive-key':
        return this.#sender(message.peerId).ring.add(message.key);
      case 'forget-peer':
        return this.#forget(message.peerId);
      case 'streams':
        return this.attach(message.options, message.readable, message.writable);
      default:
        throw new Error(`unknown frame worker message: ${String((message satisfies never as { type: string }).type)}`);
    }
  }

  /** Runs every frame from `readable` through encryption or decryption into `writable`, in order. */
  attach(options: TransformRole, readable: ReadableStream<EncodedFrame>, writable: WritableStream<EncodedFrame>): void {
    const transform = options.role === 'send' ? (f: EncodedFrame) => this.seal(options.kind, f) : (f: EncodedFrame) => this.open(options.peerId, options.kind, f);
    readable
      .pipeThrough(new TransformStream<EncodedFrame, EncodedFrame>({ transform: async (frame, out) => ((await transform(frame)) ? out.enqueue(frame) : undefined) }))
      .pipeTo(writable)
      // A transform's streams end when its sender or receiver goes away; only an error is worth a word.
      .catch((error: unknown) => console.warn('meriMeet: frame transform stopped', error));
  }

  stats(): FrameCryptoStats {
    let decrypted = 0;
    let dropped = this.#droppedBefore + this.#unsent;
    for (const s of this.#senders.values()) {
      decrypted += s.decryptor.frames;
      dropped += s.decryptor.dropped;
    }
    return {
      encryptedFrames: this.#encryptor.frames,
      decryptedFrames: decrypted,
      droppedFrames: dropped,
      encryptMs: this.#encryptor.timings.percentiles(),
      decryptMs: this.#decryptTimings.percentiles(),
    };
  }

  /** Seals one frame in place; false when it must not be sent. */
  async seal(kind: MediaKind, frame: EncodedFrame): Promise<boolean> {
    // Chromium hands over empty audio frames (seen in the browser test): nothing to protect, nothing to drop.
    if (frame.data.byteLength === 0) return true;
    if (!isSupportedCodec(kind, frame.getMetadata().mimeType)) {
      this.#unsent++;
      return false;
    }
    const sealed = await this.#encryptor.encrypt(kind, new Uint8Array(frame.data));
    if (!sealed) {
      this.#unsent++;
      return false;
    }
    frame.data = sealed.buffer;
    return true;
  }

  /** Opens one frame in place; false when it must be dropped. */
  async open(peerId: string, kind: MediaKind, frame: EncodedFrame): Promise<boolean> {
    if (frame.data.byteLength === 0) return true; // carries no media (see seal)
    const sender = this.#sender(peerId);
    const opened = await sender.decryptor.decrypt(kind, new Uint8Array(frame.data));
    let tracker = sender.trackers.get(kind);
    if (!tracker) {
      tracker = new DecryptStateTracker(peerId, kind, (p, k, state) => this.post({ type: 'decrypt-state', peerId: p, kind: k, state }));
      sender.trackers.set(kind, tracker);
    }
    if (!opened) {
      tracker.failed();
      return false;
    }
    tracker.opened();
    frame.data = opened.buffer;
    return true;
  }

  #scheduleSendKey(key: MediaKey, delayMs: number): void {
    const now = performance.now();
    const at = Math.max(now + delayMs, this.#lastSwitchAt);
    this.#lastSwitchAt = at;
    if (at <= now) this.#encryptor.use(key);
    else setTimeout(() => this.#encryptor.use(key), at - now);
  }

  #sender(peerId: string): Sender {
    let s = this.#senders.get(peerId);
    if (!s) {
      const ring = new ReceiverKeyRing();
      s = { ring, decryptor: new FrameDecryptor(ring, this.#decryptTimings), trackers: new Map() };
      this.#senders.set(peerId, s);
    }
    return s;
  }

  #forget(peerId: string): void {
    const s = this.#senders.get(peerId);
    if (!s) return;
    s.ring.erase();
    this.#droppedBefore += s.decryptor.dropped;
    this.#senders.delete(peerId);
  }
}
