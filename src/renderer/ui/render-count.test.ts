import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallState } from '../engine/call-state.js';

type Global = { __merimeetRenderCount?: Record<string, number> };

function engine() {
  const listeners = new Set<(s: CallState) => void>();
  return {
    subscribe(l: (s: CallState) => void) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    publish: () => listeners.forEach((l) => l({} as CallState)),
    listeners,
  };
}

describe('render counter', () => {
  afterEach(() => {
    delete (globalThis as Global).__merimeetRenderCount;
    vi.resetModules();
  });

  it('is off, and subscribes to nothing, unless the page asked before it loaded', async () => {
    const { countRender, countPublications } = await import('./render-count.js');
    const e = engine();
    countRender('VideoTile');
    countPublications(e);
    expect(e.listeners.size).toBe(0);
    expect((globalThis as Global).__merimeetRenderCount).toBeUndefined();
  });

  it('counts renders by name and the engine’s publications when the page defined the counter', async () => {
    const counts: Record<string, number> = {};
    (globalThis as Global).__merimeetRenderCount = counts;
    vi.resetModules();
    const { countRender, countPublications } = await import('./render-count.js');
    const e = engine();
    countRender('VideoTile');
    countRender('VideoTile');
    countRender('InMeeting');
    const stop = countPublications(e);
    e.publish();
    e.publish();
    stop();
    e.publish();
    expect(counts).toEqual({ VideoTile: 2, InMeeting: 1, publications: 2 });
  });
});
