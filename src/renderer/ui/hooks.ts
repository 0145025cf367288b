import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { CallEngine, CallState } from '../engine/call-state.js';

/** Re-renders on every engine state change. */
export function useCallState(engine: CallEngine): CallState {
  const [state, setState] = useState(() => engine.getState());
  useEffect(() => {
    setState(engine.getState());
    return engine.subscribe(setState);
  }, [engine]);
  return state;
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
    if (stream) el.play().catch(() => undefined); // autoplay may wait for a gesture; the element retries itself
  }, [ref, stream]);
}

/** Routes a media element's audio to the chosen speaker where the browser can (setSinkId). */
export function useSinkId(ref: { current: HTMLMediaElement | null }, sinkId: string): void {
  useEffect(() => {
    const el = ref.current as (HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!el || typeof el.setSinkId !== 'function') return;
    el.setSinkId(sinkId).catch(() => undefined); // device gone: the browser keeps the default
  }, [ref, sinkId]);
}

export function supportsSinkId(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}
