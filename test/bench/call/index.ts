/**
 * The "call" benchmark: join-to-first-remote-frame for two people — from the
 * second person's click on "Join meeting" to the first decoded frame of the
 * other's video — median of N runs, against a minimal hand-written WebRTC call
 * (baseline.html/.js over a bare relay on the same TLS) timed the same way in
 * the same run, Chromium and machine. Target: meriMeet ≤ 1.1× the baseline.
 * Runs in a loopback-only network namespace (netns.ts), like the e2e suite.
 *
 * Then, in the same Chromium, a 4-person call: renders per second of the
 * meeting screen and of its tiles (renders.ts), next to the engine's state
 * publications per second, which is what the screen rendered before it
 * subscribed by selector (one full render per publication).
 */
import type { Benchmark, BenchReport, Table } from '../support/benchmark.js';
import { JOIN_STEPS } from '../../../src/renderer/engine/join-trace.js';
import { ensureWebBuild } from '../support/web-build.js';
import type { CallSamples } from './measure.js';
import type { RenderRates } from './renders.js';
import { loopbackOnly, runInLoopbackNamespace } from '../support/netns.js';

/** The issue-12 target: joining is as fast as a bare WebRTC page (within 10 %). */
const TARGET_RATIO = 1.1;

export const callBenchmark: Benchmark = {
  name: 'call',
  summary: 'two-person join-to-first-remote-frame in Chromium (median) vs a minimal hand-written WebRTC page',
  options: {
    runs: { default: 10, help: 'measured calls of each kind (the median is reported; at least 10 for the target)' },
    warmup: { default: 1, help: 'calls of each kind run first and not counted' },
    build: { default: 1, help: '1 builds the web client first; 0 measures the existing dist/web' },
    'renders-seconds': { default: 10, help: 'seconds of a 4-person call over which meeting-screen renders are counted; 0 skips it' },
  },

  async run(o, ctx): Promise<BenchReport> {
    const webRoot = ensureWebBuild(o.build !== 0, ctx.log);
    const runs = Math.max(1, Math.floor(o.runs!));
    const warmup = Math.floor(o.warmup!);
    const renderSeconds = Math.floor(o['renders-seconds']!);
    let samples: CallSamples;
    if (loopbackOnly()) {
      const { measureCalls } = await import('./measure.js');
      samples = await measureCalls(runs, warmup, webRoot, ctx.log, renderSeconds);
    } else {
      ctx.log('entering a loopback-only network namespace (unshare -n)');
      const out = await runInLoopbackNamespace('test/bench/call/isolated.ts', [String(runs), String(warmup), webRoot, String(renderSeconds)]);
      samples = JSON.parse(out.trim().split('\n').pop()!) as CallSamples;
    }
    return report(samples, runs);
  },
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median of one step over the runs that marked it, or null. */
function stepMedian(traces: Record<string, number>[], step: string): number | null {
  const at = traces.map((t) => t[step]).filter((v): v is number => typeof v === 'number');
  return at.length === 0 ? null : median(at);
}

/**
 * The join trace's steps (src/renderer/engine/join-trace.ts) as the median
 * time after the click, for meriMeet and for the baseline page (which marks
 * the steps it has: socket, hello, description, connected, remote stream).
 */
function traceTable(samples: CallSamples, firstFrame: number, baselineFirstFrame: number): BenchReport['tables'][number] {
  const ms = (x: number | null) => (x === null ? '—' : `${x.toFixed(0)} ms`);
  const rows: string[][] = [];
  for (const step of JOIN_STEPS) {
    const m = stepMedian(samples.traces, step);
    if (m !== null) rows.push([step, ms(m), ms(stepMedian(samples.baselineTraces, step))]);
  }
  rows.push(['first remote frame (stopwatch)', ms(firstFrame), ms(baselineFirstFrame)]);
  return { title: 'Where the join spends its time (median ms after the click)', columns: ['step', 'meriMeet', 'baseline'], rows };
}

function traceMedians(traces: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const step of JOIN_STEPS) {
    const m = stepMedian(traces, step);
    if (m !== null) out[step] = m;
  }
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function renderTable(r: RenderRates): Table {
  const perSec = (x: number) => `${x.toFixed(1)}/s`;
  return {
    title: `Meeting-screen renders per second, ${r.people}-person call, ${r.seconds} s, mean of the ${r.people} pages`,
    columns: ['design', 'meeting screen (InMeeting)', `tiles (all ${r.people})`, 'all counted components'],
    rows: [
      [`before: one subscriber, a full render per engine publication (${perSec(r.publicationsPerSec)} publications)`, perSec(r.publicationsPerSec), perSec(r.publicationsPerSec * r.people), '—'],
      ['after: subscriptions by selector, memoized tiles', perSec(r.meetingScreenPerSec), perSec(r.tilesPerSec), perSec(r.allComponentsPerSec)],
    ],
  };
}

function report(samples: CallSamples, runs: number): BenchReport {
  const stats = (v: number[]) => ({ median: median(v), min: Math.min(...v), max: Math.max(...v), runs: v.length, samples: v });
  const m = stats(samples.meriMeet);
  const b = stats(samples.baseline);
  const ratio = m.median / b.median;
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const r = samples.renders;
  return {
    results: {
      joinToFirstFrameMs: m,
      joinTraceMedianMs: traceMedians(samples.traces),
      failedCalls: samples.failures.filter((f) => f.side === 'meriMeet'),
      ...(r ? { fourPersonRenders: r } : {}),
    },
    baseline: {
      joinToFirstFrameMs: b,
      joinTraceMedianMs: traceMedians(samples.baselineTraces),
      failedCalls: samples.failures.filter((f) => f.side === 'baseline'),
      // Before selectors: one full meeting-screen render per publication, every tile with it.
      ...(r ? { fourPersonRendersBeforeSelectors: { meetingScreenPerSec: r.publicationsPerSec, tilesPerSec: round2(r.publicationsPerSec * r.people) } } : {}),
    },
    targets: [
      {
        name: 'join → first remote frame (median)',
        required: `≤ ${TARGET_RATIO}× baseline (${ms(b.median * TARGET_RATIO)})`,
        measured: `${ms(m.median)} = ${ratio.toFixed(2)}×`,
        pass: ratio <= TARGET_RATIO && m.runs >= 10 && samples.failures.length === 0,
      },
    ],
    tables: [
      traceTable(samples, m.median, b.median),
      {
        title: `Join to first remote frame (${samples.warmup} warm-up call of each kind not counted)`,
        columns: ['call', 'runs', 'median', 'min', 'max'],
        rows: [
          ['meriMeet (click "Join meeting")', String(m.runs), ms(m.median), ms(m.min), ms(m.max)],
          ['baseline (hand-written page)', String(b.runs), ms(b.median), ms(b.min), ms(b.max)],
        ],
      },
      ...(r ? [renderTable(r)] : []),
    ],
    notes: [
      ...(samples.rendersError ? [`the 4-person render count failed: ${samples.rendersError}`] : []),
      ...(runs < 10 ? [`only ${runs} runs: the target needs at least 10`] : []),
      ...samples.failures.map((f) => `${f.side} ${f.run < samples.warmup ? 'warm-up call' : `call ${f.run + 1 - samples.warmup}`} failed (not in the median): ${f.error}`),
    ],
  };
}
