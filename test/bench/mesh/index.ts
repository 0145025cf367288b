/**
 * The "mesh" benchmark (issue 17, "the mesh costs no more than it must"):
 * N people (default 4) in one meriMeet meeting, against N pages of a bare
 * hand-written mesh (bare-mesh.js) capturing at the same size and sending
 * under the same caps, in the same run, Chromium and machine. Reports the
 * CPU of each side's browser per person and the frames per second each
 * remote video presents. Targets: CPU ≤ 1.1× the bare page's, frame rate
 * ≥ 0.9× of it. Runs in a loopback-only network namespace, like the e2e suite.
 */
import type { Benchmark, BenchReport } from '../support/benchmark.js';
import { ensureWebBuild } from '../support/web-build.js';
import { loopbackOnly, runInLoopbackNamespace } from '../support/netns.js';
import { median, type MeshSamples, type Side } from './measure.js';

const CPU_TARGET = 1.1;
const FPS_TARGET = 0.9;

export const meshBenchmark: Benchmark = {
  name: 'mesh',
  summary: 'an N-person full mesh in Chromium: CPU per person and frames per second per stream, vs a bare hand-written mesh at the same capture size',
  options: {
    'mesh-people': { default: 4, help: 'people in the meeting (each a page in one Chromium)' },
    'mesh-runs': { default: 2, help: 'measured meetings of each kind, alternating which goes first' },
    'mesh-seconds': { default: 20, help: 'seconds of each measured window' },
    build: { default: 1, help: '1 builds the web client first; 0 measures the existing dist/web' },
  },

  async run(o, ctx): Promise<BenchReport> {
    const webRoot = ensureWebBuild(o.build !== 0, ctx.log);
    const args = [o['mesh-people']!, o['mesh-runs']!, o['mesh-seconds']!].map((n) => String(Math.max(1, Math.floor(n))));
    let samples: MeshSamples;
    if (loopbackOnly()) {
      const { measureMesh } = await import('./measure.js');
      samples = await measureMesh(Number(args[0]), Number(args[1]), Number(args[2]), webRoot, ctx.log);
    } else {
      ctx.log('entering a loopback-only network namespace (unshare -n)');
      const out = await runInLoopbackNamespace('test/bench/mesh/isolated.ts', [...args, webRoot]);
      samples = JSON.parse(out.trim().split('\n').pop()!) as MeshSamples;
    }
    return report(samples);
  },
};

interface SideSummary {
  runs: number;
  cpuPerPersonPct: number;
  fpsMedian: number;
  fpsMin: number;
  remoteHeight: number;
}

function summarise(samples: MeshSamples, side: Side): SideSummary {
  const runs = samples.runs.filter((r) => r.side === side);
  const fps = runs.flatMap((r) => r.streamFps);
  return {
    runs: runs.length,
    cpuPerPersonPct: median(runs.map((r) => r.cpuPerPersonPct)),
    fpsMedian: median(fps),
    fpsMin: fps.length ? Math.min(...fps) : NaN,
    remoteHeight: median(runs.flatMap((r) => r.remoteHeights)),
  };
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

function report(samples: MeshSamples): BenchReport {
  const m = summarise(samples, 'meriMeet');
  const b = summarise(samples, 'bare');
  const cpuRatio = m.cpuPerPersonPct / b.cpuPerPersonPct;
  const fpsRatio = m.fpsMedian / b.fpsMedian;
  const { width, height, fps } = samples.capture;
  return {
    results: { people: samples.people, seconds: samples.seconds, capture: samples.capture, ...m, cpuRatio, fpsRatio, runs: samples.runs.filter((r) => r.side === 'meriMeet') },
    baseline: { ...b, runs: samples.runs.filter((r) => r.side === 'bare') },
    targets: [
      { name: 'CPU per person', required: `≤ ${CPU_TARGET}× bare mesh (${f1(b.cpuPerPersonPct * CPU_TARGET)} %)`, measured: `${f1(m.cpuPerPersonPct)} % (${cpuRatio.toFixed(2)}×)`, pass: cpuRatio <= CPU_TARGET },
      { name: 'frames per second per stream', required: `≥ ${FPS_TARGET}× bare mesh (${f1(b.fpsMedian * FPS_TARGET)})`, measured: `${f1(m.fpsMedian)} (${fpsRatio.toFixed(2)}×)`, pass: fpsRatio >= FPS_TARGET },
    ],
    tables: [
      {
        title: `${samples.people}-person mesh, camera captured at ${width}×${height} @ ${fps} fps, ${samples.seconds} s windows (medians over runs; % of one core)`,
        columns: ['side', 'runs', 'CPU per person', 'fps per stream (median)', 'fps (worst stream)', 'remote height'],
        rows: [
          ['meriMeet', String(m.runs), `${f1(m.cpuPerPersonPct)} %`, f1(m.fpsMedian), f1(m.fpsMin), f1(m.remoteHeight)],
          ['bare mesh (hand-written page)', String(b.runs), `${f1(b.cpuPerPersonPct)} %`, f1(b.fpsMedian), f1(b.fpsMin), f1(b.remoteHeight)],
        ],
      },
    ],
    notes: samples.failures.map((x) => `${x.side} meeting ${x.run + 1} failed (not in the medians): ${x.error}`),
  };
}
