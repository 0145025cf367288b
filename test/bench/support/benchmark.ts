/**
 * What a benchmark is, for the runner (test/bench/run.ts). Each benchmark
 * lives in its own folder, declares its size flags with defaults, measures,
 * and hands back numbers plus target checks. Benchmarks report; they never
 * gate: a missed target prints FAIL but the run still exits 0.
 */

/** A numeric size flag, e.g. `--clients 400`. Flags with the same name are shared by benchmarks. */
export interface SizeOption {
  default: number;
  help: string;
}

export interface Target {
  name: string;
  /** What was required, in words ("≥ 10000", "≥ 0.70× baseline"). */
  required: string;
  /** What was measured, in words. */
  measured: string;
  pass: boolean;
}

/** A table for stdout: a header row, then rows of cells. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

export interface BenchReport {
  /** The measured numbers, written as-is to --json. */
  results: Record<string, unknown>;
  /** The same measurements on the reference implementation, when there is one. */
  baseline?: Record<string, unknown>;
  targets: Target[];
  tables: Table[];
  /** Things a reader should know about this run (limits hit, caps binding, …). */
  notes: string[];
}

export interface BenchContext {
  /** Progress lines go to stderr so that stdout stays the table. */
  log(line: string): void;
  /** Extra paths for the benchmark to use (e.g. --cpu-prof DIR), keyed by flag name. */
  paths: Record<string, string | undefined>;
}

export interface Benchmark {
  name: string;
  summary: string;
  options: Record<string, SizeOption>;
  /** Open sockets the busiest process will hold, so the runner can warn about a low `ulimit -n`. */
  socketsPerProcess?(options: Record<string, number>): number;
  run(options: Record<string, number>, ctx: BenchContext): Promise<BenchReport>;
}
