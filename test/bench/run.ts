/**
 * `npm run bench`: runs the registered benchmarks, prints a table per
 * benchmark and its target checks, and optionally writes JSON. Benchmarks
 * report, they do not gate: the exit code is 0 unless something crashed.
 *
 * To add a benchmark: write test/bench/NAME/index.ts exporting a Benchmark
 * (support/benchmark.ts) and add it to BENCHMARKS below.
 */
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import type { Benchmark, BenchReport } from './support/benchmark.js';
import { cleanUpNow, cleanUpOnExit } from './support/cleanup.js';
import { fileLimit } from './support/processes.js';
import { renderTable, renderTargets } from './support/table.js';
import { signalingBenchmark } from './signaling/index.js';
import { bundleBenchmark } from './bundle/index.js';
import { callBenchmark } from './call/index.js';
import { filesBenchmark } from './files/index.js';
import { meshBenchmark } from './mesh/index.js';
import { audioBenchmark } from './audio/index.js';
import { guestsBenchmark } from './guests/index.js';
import { clusterBenchmark } from './cluster/index.js';

const BENCHMARKS: Benchmark[] = [signalingBenchmark, clusterBenchmark, callBenchmark, meshBenchmark, guestsBenchmark, filesBenchmark, bundleBenchmark, audioBenchmark];

/** Flags that take a path rather than a number; handed to benchmarks through ctx.paths. */
const PATH_FLAGS: Record<string, string> = {
  'cpu-prof': 'write V8 CPU profiles under DIR: the servers under test (signaling, relay phase), both pages (files, first run)',
};

/** A mistake on the command line: said in one line, not as a crash. */
class UsageError extends Error {}

interface Args {
  help: boolean;
  json?: string;
  only?: string;
  sizes: Record<string, number>;
  paths: Record<string, string>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { help: false, sizes: {}, paths: {} };
  const sizeFlags = new Set(BENCHMARKS.flatMap((b) => Object.keys(b.options)));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${flag} needs a value`);
      return v;
    };
    if (flag === 'help' || arg === '-h') args.help = true;
    else if (flag === 'json') args.json = value();
    else if (flag === 'only') args.only = value();
    else if (flag !== undefined && flag in PATH_FLAGS) args.paths[flag] = value();
    else if (flag !== undefined && sizeFlags.has(flag)) {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} needs a number ≥ 0`);
      args.sizes[flag] = n;
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  return args;
}

function usage(): string {
  const lines = [
    'Usage: npm run bench -- [--only NAME] [--json FILE] [size flags]',
    '',
    'Runs benchmarks against real servers in their own processes, each with a baseline',
    'measured in the same run, and prints a table and PASS/FAIL per target.',
    'The exit code is 0 unless something crashed: benchmarks report, they do not gate.',
    '',
    '  --help            this text',
    '  --only NAME       run one benchmark: ' + BENCHMARKS.map((b) => b.name).join(', '),
    '  --json FILE       also write the results as JSON (an array when more than one benchmark ran)',
    ...Object.entries(PATH_FLAGS).map(([flag, help]) => `  --${flag} DIR`.padEnd(20) + help),
  ];
  for (const b of BENCHMARKS) {
    lines.push('', `${b.name}: ${b.summary}`);
    for (const [flag, o] of Object.entries(b.options)) {
      lines.push(`  --${flag} N`.padEnd(20) + `${o.help} (default ${o.default})`);
    }
  }
  return lines.join('\n');
}

/** 10,000 sockets need ~10,000 descriptors in each of the client and server processes. */
function checkFileLimit(neededPerProcess: number): void {
  const limit = fileLimit();
  if (!limit) return;
  const say = (s: string) => process.stderr.write(s + '\n');
  if (limit.soft < 25_000) {
    say(
      `note: open-file limit is ${limit.soft} (hard ${limit.hard}); this run needs about ${neededPerProcess} per process` +
        ` (client side and server side are separate processes).`,
    );
    if (limit.soft < neededPerProcess) {
      say(`      too low: raise it with \`ulimit -n ${Math.max(neededPerProcess, 25_000)}\` (npm run bench tries to), or lower --idle.`);
    }
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(usage() + '\n');
    return;
  }
  const selected = BENCHMARKS.filter((b) => !args.only || b.name === args.only);
  if (selected.length === 0) throw new UsageError(`no benchmark named ${args.only}; have ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  cleanUpOnExit();
  const options = selected.map((b) =>
    Object.fromEntries(Object.entries(b.options).map(([k, o]) => [k, args.sizes[k] ?? o.default])),
  );
  checkFileLimit(Math.max(0, ...selected.map((b, i) => b.socketsPerProcess?.(options[i]!) ?? 0)) + 1000);

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    // Other work on the machine skews every number; say how busy it was when we started.
    loadAverage1m: loadavg()[0],
  };
  if (loadavg()[0]! > 0.5) process.stderr.write(`note: load average is ${loadavg()[0]!.toFixed(2)}: other work may skew the numbers\n`);
  const written: object[] = [];
  for (const [i, bench] of selected.entries()) {
    const opts = options[i]!;
    process.stderr.write(`── ${bench.name}: ${JSON.stringify(opts)}\n`);
    const date = new Date().toISOString();
    let report: BenchReport;
    try {
      report = await bench.run(opts, { log: (l) => process.stderr.write(`   ${l}\n`), paths: args.paths });
    } finally {
      cleanUpNow();
    }
    print(bench.name, report);
    written.push({
      benchmark: bench.name,
      date,
      machine,
      options: opts,
      results: report.results,
      baseline: report.baseline,
      targets: report.targets,
      notes: report.notes,
    });
  }
  if (args.json) {
    writeFileSync(args.json, JSON.stringify(written.length === 1 ? written[0] : written, null, 2) + '\n');
    process.stderr.write(`wrote ${args.json}\n`);
  }
}

function print(name: string, report: BenchReport): void {
  const out = [`\n${name}`, ...report.tables.map(renderTable)];
  if (report.targets.length > 0) out.push(renderTargets(report.targets));
  if (report.notes.length > 0) out.push(report.notes.map((n) => `note: ${n}`).join('\n'));
  process.stdout.write(out.join('\n\n') + '\n');
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message} (see --help)\n`);
    process.exit(2);
  }
  process.stderr.write(`benchmark crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  cleanUpNow();
  process.exit(1);
});
