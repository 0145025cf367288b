/**
 * The "guests" benchmark: what a guest waits for, in Firefox and in Chromium,
 * in the same run on the same machine (issue 18). For each run, a Chromium host
 * with a Firefox guest and a Firefox host with a Chromium guest; for the guest:
 * key derivation (link opened → keys; PBKDF2-SHA256, 600,000 iterations) and
 * join click → first remote frame. Medians, min and max. No target: the issue
 * asks for the figures side by side. Runs in a loopback-only network namespace
 * with a default route into lo (Firefox gathers no candidate without one).
 */
import type { Benchmark, BenchReport } from '../support/benchmark.js';
import { loopbackOnly, runInLoopbackNamespace } from '../support/netns.js';
import { ensureWebBuild } from '../support/web-build.js';
import type { BrowserName } from './drivers.js';
import type { GuestSamples } from './measure.js';

export const guestsBenchmark: Benchmark = {
  name: 'guests',
  summary: 'a Firefox guest and a Chromium guest, same run: key derivation, and join click → first remote frame (median)',
  options: {
    'guest-runs': { default: 5, help: 'measured meetings per guest browser' },
    'guest-warmup': { default: 1, help: 'meetings per guest browser run first and not counted' },
    build: { default: 1, help: '1 builds the web client first; 0 measures the existing dist/web' },
  },

  async run(o, ctx): Promise<BenchReport> {
    const webRoot = ensureWebBuild(o.build !== 0, ctx.log);
    const runs = Math.max(1, Math.floor(o['guest-runs']!));
    const warmup = Math.floor(o['guest-warmup']!);
    let samples: GuestSamples;
    if (loopbackOnly()) {
      const { measureGuests } = await import('./measure.js');
      samples = await measureGuests(runs, warmup, webRoot, ctx.log);
    } else {
      ctx.log('entering a loopback-only network namespace (unshare -n, default route into lo)');
      const out = await runInLoopbackNamespace('test/bench/guests/isolated.ts', [String(runs), String(warmup), webRoot], { defaultRoute: true });
      samples = JSON.parse(out.trim().split('\n').pop()!) as GuestSamples;
    }
    return report(samples);
  },
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function report(samples: GuestSamples): BenchReport {
  const stats = (v: number[]) => ({ median: median(v), min: Math.min(...v), max: Math.max(...v), runs: v.length, samples: v.map(Math.round) });
  const of = (guest: BrowserName) => {
    const mine = samples.samples.filter((s) => s.guest === guest);
    return { keyDerivationMs: stats(mine.map((s) => s.keyDerivationMs)), joinToFirstFrameMs: stats(mine.map((s) => s.joinToFirstFrameMs)) };
  };
  const results = { firefoxGuest: of('firefox'), chromiumGuest: of('chromium'), browsers: samples.browsers, failures: samples.failures };
  const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '—');
  const row = (label: string, s: ReturnType<typeof stats>) => [label, String(s.runs), ms(s.median), ms(s.min), ms(s.max)];
  return {
    results,
    targets: [],
    tables: [
      {
        title: `What a guest waits for (Chromium ${samples.browsers.chromium}, ${samples.browsers.firefox})`,
        columns: ['figure', 'runs', 'median', 'min', 'max'],
        rows: [
          row('Firefox guest: key derivation (link opened → keys)', results.firefoxGuest.keyDerivationMs),
          row('Chromium guest: key derivation (link opened → keys)', results.chromiumGuest.keyDerivationMs),
          row('Firefox guest (Chromium host): join click → first remote frame', results.firefoxGuest.joinToFirstFrameMs),
          row('Chromium guest (Firefox host): join click → first remote frame', results.chromiumGuest.joinToFirstFrameMs),
        ],
      },
    ],
    notes: samples.failures.map((f) => `${f.guest} guest, ${f.run === 0 ? 'first' : `meeting ${f.run + 1}`}, failed (not in the medians): ${f.error}`),
  };
}
