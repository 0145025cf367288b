/**
 * Our own media key as a sender: one epoch at a time. A member leaving
 * starts a new epoch with fresh random bytes; a member joining ratchets the
 * current epoch forward. The previous key is erased at once: the sender never
 * needs it again (receivers keep theirs a while, receiver-key-ring.ts).
 */
import { MAX_EPOCH, MAX_STEP, randomMediaKey, ratchetMediaKey, type MediaKey } from './media-key.js';

export class SenderKeyRing {
  #current: MediaKey;

  constructor(firstEpoch = 0) {
    this.#current = randomMediaKey(firstEpoch);
  }

  get current(): MediaKey {
    return this.#current;
  }

  /** Someone left: fresh random bytes that nobody before can derive. */
  newEpoch(): MediaKey {
    const epoch = this.#current.epoch >= MAX_EPOCH ? 0 : this.#current.epoch + 1;
    return this.#replace(randomMediaKey(epoch));
  }

  /** Someone joined: the next step, which existing members derive and the newcomer cannot undo. */
  async ratchet(): Promise<MediaKey> {
    if (this.#current.step >= MAX_STEP) return this.newEpoch();
    return this.#replace(await ratchetMediaKey(this.#current));
  }

  /** The call ended. */
  erase(): void {
    this.#current.baseKey.fill(0);
  }

  #replace(next: MediaKey): MediaKey {
    this.#current.baseKey.fill(0);
    this.#current = next;
    return next;
  }
}
