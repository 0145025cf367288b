/**
 * Replay protection for one sender's key (RFC 9605 §9.3: "a receiver
 * SHOULD ... reject frames whose CTR it has already seen"). The SFU cannot
 * forge a frame, but without this it could hand us one of that person's
 * earlier frames again, or a run of them: their face or voice from a minute
 * ago, authentic and out of place.
 *
 * A sender has one counter per key for all its tracks (frame-crypto.ts), so
 * one window covers their audio, camera and screen alike. Tracks arrive with
 * different delays (audio ahead of video by up to a few hundred ms), so the
 * window is not "strictly increasing" but "not seen, and not older than
 * WINDOW counters behind the newest": at the ~160 counters a second a sender
 * uses (audio 50, three simulcast layers 90, a screen), 8,192 is about 50 s.
 */
export const REPLAY_WINDOW = 8_192;

export class ReplayWindow {
  /** The newest counter accepted (-1n: none yet). */
  #newest = -1n;
  /** Bit i: counter `#newest - i` was accepted. */
  readonly #seen = new Uint32Array(REPLAY_WINDOW / 32);

  /** Whether a frame with this counter could still be new (checked before the work of opening it). */
  mayAccept(ctr: bigint): boolean {
    if (ctr > this.#newest) return true;
    const back = this.#newest - ctr;
    return back < BigInt(REPLAY_WINDOW) && !this.#bit(Number(back));
  }

  /**
   * Records an authenticated frame's counter; false if it was seen (or fell
   * out of the window) meanwhile, and the frame must be dropped. Only
   * authenticated counters are recorded: a forged frame cannot move the window.
   */
  accept(ctr: bigint): boolean {
    if (!this.mayAccept(ctr)) return false;
    if (ctr > this.#newest) {
      this.#shift(this.#newest < 0n ? BigInt(REPLAY_WINDOW) : ctr - this.#newest);
      this.#newest = ctr;
    }
    this.#set(Number(this.#newest - ctr));
    return true;
  }

  #bit(i: number): boolean {
    return (this.#seen[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  #set(i: number): void {
    this.#seen[i >>> 5]! |= 1 << (i & 31);
  }

  /** Moves every bit `by` places older; those past the window fall off. */
  #shift(by: bigint): void {
    if (by >= BigInt(REPLAY_WINDOW)) {
      this.#seen.fill(0);
      return;
    }
    const n = Number(by);
    const words = n >>> 5;
    const bits = n & 31;
    const s = this.#seen;
    for (let w = s.length - 1; w >= 0; w--) {
      const from = w - words;
      const lo = from >= 0 ? s[from]! : 0;
      const below = from - 1 >= 0 ? s[from - 1]! : 0;
      s[w] = bits === 0 ? lo : ((lo << bits) | (below >>> (32 - bits))) >>> 0;
    }
  }
}
