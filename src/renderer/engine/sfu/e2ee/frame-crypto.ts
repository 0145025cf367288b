/**
 * What the frame transforms do to each frame's bytes, independent of how the
 * browser hands frames over (frame-worker.ts): seal with our current media
 * key, or open with the sender's key ring. One FrameEncryptor per call: its
 * counters are per key, shared by all our senders, so (KID, CTR) never
 * repeats (RFC 9605 §4.3). One FrameDecryptor per sender: a frame whose
 * counter that sender's key has already opened is a replay and is dropped
 * (replay-window.ts).
 */
import { clearByteCount } from './codec-clear-bytes.js';
import { kidOf, type MediaKey } from './media-key.js';
import type { ReceiverKeyRing } from './receiver-key-ring.js';
import { deriveSframeKey, readSframeHeader, sframeDecrypt, sframeEncrypt, type SframeKey } from './sframe-cipher.js';
import type { MediaKind } from './media-e2ee.js';
import { FrameTimings } from './frame-timings.js';
import { ReplayWindow } from './replay-window.js';

/** Replay windows kept per sender: its newest keys' (a superseded key opens frames for 10 s at most). */
const WINDOWS_KEPT = 4;

export class FrameEncryptor {
  #key: { kid: number; sframe: Promise<SframeKey>; ctr: bigint } | null = null;
  readonly timings = new FrameTimings();
  frames = 0;

  use(key: MediaKey): void {
    this.#key = { kid: kidOf(key), sframe: deriveSframeKey(key.baseKey, BigInt(kidOf(key))), ctr: 0n };
  }

  /** The protected frame, or null while we have no key (the frame must then not leave at all). */
  async encrypt(kind: MediaKind, frame: Uint8Array): Promise<Uint8Array<ArrayBuffer> | null> {
    const key = this.#key;
    if (!key) return null;
    const started = performance.now();
    const ctr = key.ctr++;
    const clear = clearByteCount(kind, frame);
    const out = await sframeEncrypt(await key.sframe, { kid: BigInt(key.kid), ctr }, frame.subarray(0, clear), frame.subarray(clear));
    this.timings.record(performance.now() - started);
    this.frames++;
    return out;
  }
}

export class FrameDecryptor {
  readonly timings: FrameTimings;
  frames = 0;
  dropped = 0;
  /** Of `dropped`, the authentic-looking frames refused for their counter: opened before, or older than the window. */
  replayed = 0;
  /** Per key id, newest last. */
  readonly #windows = new Map<bigint, ReplayWindow>();

  constructor(
    private readonly ring: ReceiverKeyRing,
    timings = new FrameTimings(),
  ) {
    this.timings = timings;
  }

  /** The frame as the encoder produced it, or null when it must be dropped (counted). */
  async decrypt(kind: MediaKind, frame: Uint8Array): Promise<Uint8Array<ArrayBuffer> | null> {
    const started = performance.now();
    const clear = clearByteCount(kind, frame);
    const parsed = readSframeHeader(frame, clear);
    const kid = parsed && parsed.header.kid <= BigInt(Number.MAX_SAFE_INTEGER) ? parsed.header.kid : null;
    // A counter seen before is not worth opening; an unknown key id has no window yet.
    if (kid !== null && this.#windows.get(kid)?.mayAccept(parsed!.header.ctr) === false) return this.#drop(true);
    const key = kid !== null ? await this.ring.keyFor(Number(kid)) : null;
    const body = key ? await sframeDecrypt(key, frame, clear) : null;
    if (!body) return this.#drop(false);
    // Recorded only once authentic (a forged frame moves no window and makes none), and checked
    // again: another track of the sender may have opened the same counter meanwhile.
    if (!this.#windowFor(kid!).accept(parsed!.header.ctr)) return this.#drop(true);
    this.ring.confirm(Number(kid));
    const out = new Uint8Array(clear + body.length);
    out.set(frame.subarray(0, clear));
    out.set(body, clear);
    this.timings.record(performance.now() - started);
    this.frames++;
    return out;
  }

  #drop(replayed: boolean): null {
    this.dropped++;
    if (replayed) this.replayed++;
    return null;
  }

  /** The key's window, made when its first frame opens; only the newest WINDOWS_KEPT keys keep theirs. */
  #windowFor(kid: bigint): ReplayWindow {
    let window = this.#windows.get(kid);
    if (!window) {
      window = new ReplayWindow();
      this.#windows.set(kid, window);
      // Maps keep insertion order: the first key is the oldest window.
      if (this.#windows.size > WINDOWS_KEPT) this.#windows.delete(this.#windows.keys().next().value!);
    }
    return window;
  }
}
