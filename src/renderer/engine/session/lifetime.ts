/**
 * One lifetime for everything a call session starts: timers, listeners,
 * requests. Ending it cancels all of them at once, so a new timer cannot be
 * forgotten in a hand-written teardown, and "is this session still current?"
 * is one question: `lifetime.ended`. Modelled on VS Code's DisposableStore and
 * disposableTimeout.
 */

/** Something to undo when a lifetime ends. */
export type Dispose = () => void;

/** A timer that can be re-armed: arming it again replaces the pending one. */
export interface TimerSlot {
  /** Runs `fn` after `delayMs` unless re-armed, cleared, or the lifetime ends. */
  arm(delayMs: number, fn: () => void): void;
  /** Arms only if nothing is pending (a deadline that must not move). */
  armIfIdle(delayMs: number, fn: () => void): void;
  clear(): void;
  readonly pending: boolean;
}

export class Lifetime {
  readonly #disposers = new Set<Dispose>();
  readonly #abort = new AbortController();

  /** Aborted when the lifetime ends: pass it to fetch, addEventListener and friends. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get ended(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Runs `dispose` when the lifetime ends (at once if it already has). Returns a function that runs it early. */
  add(dispose: Dispose): Dispose {
    if (this.ended) {
      dispose();
      return () => undefined;
    }
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      this.#disposers.delete(once);
      dispose();
    };
    this.#disposers.add(once);
    return once;
  }

  /** setTimeout that is cleared when the lifetime ends; the returned function clears it sooner. */
  timeout(delayMs: number, fn: () => void): Dispose {
    if (this.ended) return () => undefined;
    let cancel: Dispose = () => undefined;
    const id = setTimeout(() => {
      cancel();
      fn();
    }, delayMs);
    cancel = this.add(() => clearTimeout(id));
    return cancel;
  }

  /** setInterval that is cleared when the lifetime ends. */
  interval(everyMs: number, fn: () => void): Dispose {
    if (this.ended) return () => undefined;
    const id = setInterval(fn, everyMs);
    return this.add(() => clearInterval(id));
  }

  /** One re-armable timer that belongs to this lifetime. */
  slot(): TimerSlot {
    let cancel: Dispose | null = null;
    const slot: TimerSlot = {
      arm: (delayMs, fn) => {
        cancel?.();
        cancel = this.timeout(delayMs, () => {
          cancel = null;
          fn();
        });
      },
      armIfIdle: (delayMs, fn) => {
        if (cancel === null) slot.arm(delayMs, fn);
      },
      clear: () => {
        cancel?.();
        cancel = null;
      },
      get pending() {
        return cancel !== null;
      },
    };
    return slot;
  }

  /**
   * Ends the lifetime: every disposer runs once, newest first (what was set up
   * last is torn down first). A disposer that throws is reported and the rest
   * still run.
   */
  end(): void {
    if (this.ended) return;
    this.#abort.abort();
    const disposers = [...this.#disposers].reverse();
    this.#disposers.clear();
    for (const dispose of disposers) {
      try {
        dispose();
      } catch (err) {
        console.error('meriMeet: ending a call session: a clean-up step failed', err);
      }
    }
  }
}
