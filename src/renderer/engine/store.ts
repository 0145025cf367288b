/**
 * A tiny observable store: immutable snapshots, synchronous notification.
 * The UI re-renders from whole snapshots, so every update must produce new
 * objects for whatever changed (never mutate a published state).
 */
export interface Store<T> {
  get(): T;
  /** Replace the state with `update(current)`; listeners run if it changed (by identity). */
  update(update: (current: T) => T): void;
  subscribe(listener: (state: T) => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<(state: T) => void>();
  return {
    get: () => state,
    update(fn) {
      const next = fn(state);
      if (next === state) return;
      state = next;
      for (const l of [...listeners]) {
        try {
          l(state);
        } catch (err) {
          // One broken subscriber must not stop the others (or the engine).
          console.error('meriMeet: state listener failed', err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
