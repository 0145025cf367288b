import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { CallEngine, CallState } from '../engine/call-state.js';
import { reportAs } from '../engine/failures.js';

/** What a selection needs of the engine: its current state, and a change feed. */
export type CallStore = Pick<CallEngine, 'getState' | 'subscribe'>;

/**
 * Follows `select(state)` across engine publications and calls `onChange`
 * only when the selection differs (by `isEqual`) from the last one seen,
 * starting from `last`. Reads the latest selector and equality through
 * `current()` on each publication, so a component's inline selector is
 * never stale. Returns the unsubscribe. The heart of useCallSelector, kept
 * free of preact so it is tested without a DOM.
 */
export function watchSelection<T>(
  store: CallStore,
  current: () => { select: (s: CallState) => T; isEqual: (a: T, b: T) => boolean; last: T },
  onChange: (value: T) => void,
): () => void {
  const check = (state: CallState) => {
    const { select, isEqual, last } = current();
    const next = select(state);
    if (!isEqual(last, next)) onChange(next);
  };
  const unsubscribe = store.subscribe(check);
  // A publication between the render that read `last` and this subscription would otherwise be missed.
  check(store.getState());
  return unsubscribe;
}

/**
 * The slice of the call state a component shows: re-renders only when
 * `select(state)` changes by `isEqual` (Object.is by default; the equality
 * for selectors that build objects sits beside them in call-selectors.ts).
 * While equal, it returns the previous value itself, so memoized children
 * given it see the same reference. A hand-written equivalent of
 * useSyncExternalStore with a selector (preact/compat would bring its
 * React-compatibility hooks into the bundle).
 */
export function useCallSelector<T>(store: CallStore, select: (s: CallState) => T, isEqual: (a: T, b: T) => boolean = Object.is): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const latest = useRef<{ select: (s: CallState) => T; isEqual: (a: T, b: T) => boolean; last: T } | null>(null);
  const fresh = select(store.getState());
  const value = latest.current !== null && isEqual(latest.current.last, fresh) ? latest.current.last : fresh;
  latest.current = { select, isEqual, last: value };
  useLayoutEffect(
    () =>
      watchSelection(
        store,
        () => latest.current!,
        (next) => {
          latest.current = { ...latest.current!, last: next };
          rerender(0);
        },
      ),
    [store],
  );
  return value;
}

/** The content-box size of an element, kept current with a ResizeObserver. */
export function useElementSize<T extends Element>(): [{ current: T | null }, { width: number; height: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box) setSize((old) => (old.width === box.width && old.height === box.height ? old : { width: box.width, height: box.height }));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, size];
}

/** Moves focus to the screen's heading when it appears, so screen readers announce the new screen. */
export function useFocusOnMount<T extends HTMLElement>(enabled = true): { current: T | null } {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus({ preventScroll: true });
  }, [enabled]);
  return ref;
}

/** Attaches a MediaStream to a media element (srcObject is a property, not an attribute). */
export function useSrcObject(ref: { current: HTMLMediaElement | null }, stream: MediaStream | null): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (stream) el.play().catch(reportAs('starting a video element')); // autoplay may wait for a gesture; the element retries itself
  }, [ref, stream]);
}

/** Routes a media element's audio to the chosen speaker where the browser can (setSinkId). */
export function useSinkId(ref: { current: HTMLMediaElement | null }, sinkId: string): void {
  useEffect(() => {
    const el = ref.current as (HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!el || typeof el.setSinkId !== 'function') return;
    el.setSinkId(sinkId).catch(reportAs('choosing the speaker')); // device gone: the browser keeps the default
  }, [ref, sinkId]);
}

export function supportsSinkId(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}
