/**
 * The keys we hold for one sender, by KID (media-key.ts). A key that a newer
 * one superseded is kept at most {@link SUPERSEDED_KEY_LIFETIME_MS} for
 * frames still in flight, then erased. A KID later in the newest epoch we
 * hold is derived by ratcheting (the sender ratcheted for a newcomer; we were
 * not sent anything); an earlier one, or another epoch, never can be.
 */
import { kidOf, ratchetMediaKey, splitKid, type MediaKey } from './media-key.js';
import { deriveSframeKey, type SframeKey } from './sframe-cipher.js';

export const SUPERSEDED_KEY_LIFETIME_MS = 10_000;
/** How many joins we follow without being told: more than this many steps at once is not a frame we expect. */
export const MAX_RATCHET_AHEAD = 16;

interface HeldKey {
  key: MediaKey;
  sframe: Promise<SframeKey>;
  supersededAt: number | null;
}

export class ReceiverKeyRing {
  readonly #keys = new Map<number, HeldKey>();
  /** Ratcheted from the newest key for a frame that has not authenticated yet. */
  readonly #tentative = new Map<number, HeldKey>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** A key the sender handed us (a copy is kept; the caller may erase its own). */
  add(key: MediaKey): void {
    this.#sweep();
    const kid = kidOf(key);
    if (this.#keys.has(kid)) return;
    this.#install(kid, { ...key, baseKey: new Uint8Array(key.baseKey) });
  }

  /**
   * The SFrame key for a frame's KID, or null when we hold none and may not
   * derive one. A key derived by ratcheting stays tentative until a frame
   * under it authenticates ({@link confirm}): the KID is clear text, so a
   * forged one must not make us retire the key in use.
   */
  async keyFor(kid: number): Promise<SframeKey | null> {
    this.#sweep();
    const held = this.#keys.get(kid) ?? this.#tentative.get(kid);
    if (held) return held.sframe;
    const newest = this.#newest();
    const wanted = splitKid(kid);
    if (!newest || wanted.epoch !== newest.key.epoch || wanted.step <= newest.key.step) return null;
    if (wanted.step - newest.key.step > MAX_RATCHET_AHEAD) return null;
    let key = newest.key;
    while (key.step < wanted.step) {
      const nextKid = kidOf(key) + 1;
      const cached = this.#tentative.get(nextKid);
      key = cached ? cached.key : await ratchetMediaKey(key);
      if (!this.#tentative.has(nextKid)) this.#tentative.set(nextKid, { key, sframe: deriveSframeKey(key.baseKey, BigInt(nextKid)), supersededAt: null });
    }
    return this.#tentative.get(kid)?.sframe ?? null;
  }

  /** A frame under `kid` authenticated: a ratcheted key (and the steps before it) becomes ours. */
  confirm(kid: number): void {
    if (!this.#tentative.has(kid)) return;
    for (const [k, held] of [...this.#tentative].sort((a, b) => a[0] - b[0])) {
      if (k > kid) break;
      this.#tentative.delete(k);
      this.#install(k, held.key, held.sframe);
    }
  }

  /** The KIDs held now (for tests and stats). */
  kids(): number[] {
    this.#sweep();
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  /** The sender left, or the call ended. */
  erase(): void {
    for (const held of [...this.#keys.values(), ...this.#tentative.values()]) held.key.baseKey.fill(0);
    this.#keys.clear();
    this.#tentative.clear();
  }

  #newest(): HeldKey | undefined {
    let best: [number, HeldKey] | undefined;
    for (const entry of this.#keys) if (!best || entry[0] > best[0]) best = entry;
    return best?.[1];
  }

  #install(kid: number, key: MediaKey, sframe = deriveSframeKey(key.baseKey, BigInt(kid))): void {
    const newestKid = Math.max(-1, ...this.#keys.keys());
    const now = this.#now();
    this.#keys.set(kid, { key, sframe, supersededAt: kid > newestKid ? null : now });
    if (kid > newestKid) for (const [k, held] of this.#keys) if (k !== kid) held.supersededAt ??= now;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [kid, held] of this.#keys) {
      if (held.supersededAt !== null && now - held.supersededAt > SUPERSEDED_KEY_LIFETIME_MS) {
        held.key.baseKey.fill(0);
        this.#keys.delete(kid);
      }
    }
    // Tentative keys hang off the newest held one; a new epoch or a confirmation makes them moot.
    const newest = this.#newest();
    for (const [kid, held] of this.#tentative) {
      if (!newest || held.key.epoch !== newest.key.epoch || held.key.step <= newest.key.step) {
        held.key.baseKey.fill(0);
        this.#tentative.delete(kid);
      }
    }
  }
}
