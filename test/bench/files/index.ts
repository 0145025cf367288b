/**
 * The "files" benchmark: one file of N MiB (200 by default) from one person
 * to another through meriMeet's file transfer (sealed chunks, backpressure,
 * content hash, written to the browser's disk) against a raw data-channel sender
 * pushing the same bytes between the same two browsers in the same run
 * (raw-channel.js). Targets: meriMeet's throughput ≥ 0.9× the raw figure,
 * and neither browser holding the whole file in memory. Runs in a
 * loopback-only network namespace, like the e2e suite; measure.ts says what
 * is timed.
 *
 * "Nothing may hold the whole file": a whole copy anywhere in a browser would
 * grow it by at least the file's size, so every run's peak growth, on each
 * side, must stay below it. The peaks are mostly garbage not yet collected
 * (V8 collects array buffers only after some tens of MiB of them), so the
 * table also shows what stays 3 s after the transfer and the same figures for
 * a quarter-size file: memory that held the file would stay, and follow its size.
 */
import type { Benchmark, BenchReport } from '../support/benchmark.js';
import { loopbackOnly, runInLoopbackNamespace } from '../support/netns.js';
import { ensureWebBuild } from '../support/web-build.js';
import type { FileSamples, Run } from './measure.js';

const TARGET_RATIO = 0.9;

export const filesBenchmark: Benchmark = {
  name: 'files',
  summary: 'file-transfer throughput over one data channel vs a raw data-channel sender, and peak memory of both browsers',
  options: {
    'file-mib': { default: 200, help: 'size of the file sent, in MiB' },
    'file-runs': { default: 3, help: 'transfers of each kind (the median is reported)' },
    build: { default: 1, help: '1 builds the web client first; 0 measures the existing dist/web' },
  },

  async run(o, ctx): Promise<BenchReport> {
    const webRoot = ensureWebBuild(o.build !== 0, ctx.log);
    const mib = o['file-mib']!;
    const runs = Math.max(1, Math.floor(o['file-runs']!));
    let samples: FileSamples;
    if (loopbackOnly()) {
      const { measureFiles } = await import('./measure.js');
      samples = await measureFiles(mib, runs, webRoot, ctx.log, ctx.paths['cpu-prof']);
    } else {
      ctx.log('entering a loopback-only network namespace (unshare -n)');
      const out = await runInLoopbackNamespace('test/bench/files/isolated.ts', [String(mib), String(runs), webRoot, ctx.paths['cpu-prof'] ?? '']);
      samples = JSON.parse(out.trim().split('\n').pop()!) as FileSamples;
    }
    return report(samples);
  },
};

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const MiB = 1024 * 1024;

function summary(runs: Run[], bytes: number) {
  const rates = runs.map((r) => bytes / MiB / (r.ms / 1000));
  return {
    mibPerSecond: { median: median(rates), min: Math.min(...rates), max: Math.max(...rates), samples: rates },
    // One run's peak depends on when garbage collection happened to run, which only ever adds:
    // the lowest peak is the least disturbed, and memory that holds the file is in every run's.
    peakGrowthBytes: {
      sender: { min: Math.min(...runs.map((r) => r.senderGrowth)), median: median(runs.map((r) => r.senderGrowth)), max: Math.max(...runs.map((r) => r.senderGrowth)) },
      receiver: { min: Math.min(...runs.map((r) => r.receiverGrowth)), median: median(runs.map((r) => r.receiverGrowth)), max: Math.max(...runs.map((r) => r.receiverGrowth)) },
    },
    /** What stays 3 s after the end (median), the file still listed. */
    afterBytes: { sender: median(runs.map((r) => r.senderAfter)), receiver: median(runs.map((r) => r.receiverAfter)) },
    runs,
  };
}

function report(s: FileSamples): BenchReport {
  const m = summary(s.meriMeet, s.bytes);
  const r = summary(s.raw, s.bytes);
  const ratio = m.mibPerSecond.median / r.mibPerSecond.median;
  const fileMiB = s.bytes / MiB;
  const mem = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
  const spread = (g: { min: number; median: number; max: number }) => `${(g.min / MiB).toFixed(0)} / ${(g.median / MiB).toFixed(0)} / ${mem(g.max)}`;
  const signed = (b: number) => `${b >= 0 ? '+' : '−'}${mem(Math.abs(b))}`;
  const after = (a: { sender: number; receiver: number }) => `${signed(a.sender)} / ${signed(a.receiver)}`;
  const rate = (x: number) => `${x.toFixed(1)} MiB/s`;
  const q = summary(s.quarter.runs, s.quarter.bytes);
  const ok = s.meriMeet.length > 0 && s.raw.length > 0;
  return {
    results: { fileBytes: s.bytes, ...m, quarterSize: { fileBytes: s.quarter.bytes, ...q }, failedRuns: s.failures.filter((f) => f.side === 'meriMeet') },
    baseline: { fileBytes: s.bytes, ...r, failedRuns: s.failures.filter((f) => f.side === 'raw') },
    targets: [
      {
        name: 'file-transfer throughput (median)',
        required: `≥ ${TARGET_RATIO}× raw data channel (${rate(r.mibPerSecond.median * TARGET_RATIO)})`,
        measured: `${rate(m.mibPerSecond.median)} = ${ratio.toFixed(2)}×`,
        pass: ok && ratio >= TARGET_RATIO,
      },
      {
        name: `peak memory growth, every run (${fileMiB.toFixed(0)} MiB file)`,
        required: `each side < ${mem(s.bytes)} (no whole copy of the file)`,
        measured: `sender ≤ ${mem(m.peakGrowthBytes.sender.max)}, receiver ≤ ${mem(m.peakGrowthBytes.receiver.max)}`,
        pass: ok && m.peakGrowthBytes.sender.max < s.bytes && m.peakGrowthBytes.receiver.max < s.bytes,
      },
    ],
    tables: [
      {
        title: `One ${fileMiB.toFixed(0)} MiB file, Ada → Bob, two Chromiums (memory: each run's peak PSS growth of each browser's processes during the transfer, lowest / median / highest)`,
        columns: ['sender', 'runs', 'median', 'min', 'max', 'sender memory', 'receiver memory', 'stays after (s / r)'],
        rows: [
          ['meriMeet (Accept → verified)', String(s.meriMeet.length), rate(m.mibPerSecond.median), rate(m.mibPerSecond.min), rate(m.mibPerSecond.max), spread(m.peakGrowthBytes.sender), spread(m.peakGrowthBytes.receiver), after(m.afterBytes)],
          [`meriMeet, ${(s.quarter.bytes / MiB).toFixed(0)} MiB file`, String(s.quarter.runs.length), rate(q.mibPerSecond.median), rate(q.mibPerSecond.min), rate(q.mibPerSecond.max), spread(q.peakGrowthBytes.sender), spread(q.peakGrowthBytes.receiver), after(q.afterBytes)],
          ['raw data channel', String(s.raw.length), rate(r.mibPerSecond.median), rate(r.mibPerSecond.min), rate(r.mibPerSecond.max), spread(r.peakGrowthBytes.sender), spread(r.peakGrowthBytes.receiver), after(r.afterBytes)],
        ],
      },
    ],
    notes: s.failures.map((f) => `${f.side} run ${f.run + 1} failed (not in the median): ${f.error}`),
  };
}
