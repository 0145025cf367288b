/**
 * Memory of this test process (in-process servers included), measured after a
 * full garbage collection so that a leak can be told from garbage that simply
 * has not been collected yet. `gc` is exposed at run time if vitest was not
 * started with --expose-gc.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
})();

export interface MemorySample {
  /** Resident set size after the collection. */
  rss: number;
  /** What is still reachable: the JS heap and Buffers. */
  live: number;
}

export function memoryAfterGc(): MemorySample {
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, live: m.heapUsed + m.arrayBuffers };
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
