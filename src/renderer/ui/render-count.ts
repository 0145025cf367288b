/**
 * Counts renders of the meeting screen's components, for the `call`
 * benchmark (test/bench/call/renders.ts) and tests only. Off unless the page
 * defined `globalThis.__merimeetRenderCount` (an object) before this module
 * loaded, as the benchmark does with an init script: then each counted
 * component adds one to its name's entry on every render, and the engine's
 * publications are counted under `publications`. Off, `countRender` is an
 * empty function and `countPublications` subscribes to nothing.
 */
import type { CallEngine } from '../engine/call-state.js';

type Counts = Record<string, number>;

const counts: Counts | undefined = (() => {
  const c = (globalThis as { __merimeetRenderCount?: unknown }).__merimeetRenderCount;
  return typeof c === 'object' && c !== null ? (c as Counts) : undefined;
})();

const add = (name: string) => {
  counts![name] = (counts![name] ?? 0) + 1;
};

/** Call at the top of a component's render. */
export const countRender: (name: string) => void = counts ? add : () => {};

/** While counting, counts every state the engine publishes (what the old screen rendered once each); returns the unsubscribe. */
export function countPublications(engine: Pick<CallEngine, 'subscribe'>): () => void {
  return counts ? engine.subscribe(() => add('publications')) : () => {};
}
