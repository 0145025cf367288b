/**
 * Whether a sender's frames of one kind open, as the UI shows it: 'ok' on
 * the first frame that authenticates, 'cant-decrypt' once frames have failed
 * for {@link CANT_DECRYPT_AFTER_MS} with none opening. The grace period is
 * what keeps a join from flashing "Can't decrypt" while the key is on its
 * way (Element Call's black tiles come from reporting nothing at all; a
 * report on the first dropped frame would be the opposite mistake).
 */
import type { MediaKind } from './media-e2ee.js';

export const CANT_DECRYPT_AFTER_MS = 1_000;

export type DecryptState = 'ok' | 'cant-decrypt';

export class DecryptStateTracker {
  #state: DecryptState | null = null;
  /** When the current run of failures began; null after a success. */
  #failingSince: number | null = null;

  constructor(
    readonly peerId: string,
    readonly kind: MediaKind,
    private readonly report: (peerId: string, kind: MediaKind, state: DecryptState) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  opened(): void {
    this.#failingSince = null;
    this.#set('ok');
  }

  failed(): void {
    const now = this.now();
    this.#failingSince ??= now;
    if (now - this.#failingSince >= CANT_DECRYPT_AFTER_MS) this.#set('cant-decrypt');
  }

  #set(state: DecryptState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.report(this.peerId, this.kind, state);
  }
}
