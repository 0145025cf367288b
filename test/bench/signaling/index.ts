/**
 * The "signaling" benchmark: the real meriMeet server (its CLI, its own
 * process) against a bare `ws` relay on the same TLS certificate, measured in
 * the same run with the same clients:
 *
 *   1. idle: N concurrent wss connections — held, time to open, server RSS per connection,
 *      and (meriMeet) whether it still answers `ping` while holding them;
 *   2. relay: M clients in meetings of 4 relaying ~200-byte signals in a ring for S seconds —
 *      messages relayed per second and latency p50/p99.
 *
 * Each phase gets a freshly started server, so one phase's garbage does not
 * weigh on the next.
 */
import { join } from 'node:path';
import type { Benchmark, BenchReport, Target } from '../support/benchmark.js';
import { removeDir, tempDir } from '../support/cleanup.js';
import { MAX_PARTICIPANTS } from '../../../signaling/src/protocol/limits.js';
import { fmt, kib, mib } from '../support/stats.js';
import { holdIdle, type IdleResult } from './idle.js';
import { runLoad, type LoadClient, type RelayResult } from './load.js';
import { joinBareRelay, joinMeriMeet } from './meetings.js';
import { startBareRelay, startMeriMeet, type ServerUnderTest } from './servers.js';

const IDLE_TARGET = 10_000;
const THROUGHPUT_TARGET = 0.7;
/** Opening sockets gives up after this long and reports what it has. */
const IDLE_TIME_LIMIT_MS = 5 * 60_000;

interface Side {
  server: string;
  idle: IdleResult | null;
  relay: RelayResult | null;
}

export const signalingBenchmark: Benchmark = {
  name: 'signaling',
  summary: 'meriMeet signaling server vs a bare ws relay over the same TLS: idle connections, relay throughput, latency',
  options: {
    idle: { default: 10_000, help: 'idle connections to open against each server (0 skips the idle phase)' },
    clients: { default: 400, help: 'relay clients (rounded down to whole meetings; 0 skips the relay phase)' },
    'meeting-size': { default: 4, help: `clients per meeting (2 to ${MAX_PARTICIPANTS})` },
    seconds: { default: 10, help: 'measured seconds of relay load' },
    warmup: { default: 2, help: 'seconds of load before measuring' },
    rate: {
      default: 45,
      help: 'signals per second per client, 0 = unpaced; keep under the server per-connection limit (50/s)',
    },
    window: { default: 4, help: 'signals each client may have in flight' },
    payload: { default: 200, help: 'bytes of fake SDP/ICE JSON per signal' },
    concurrency: { default: 200, help: 'connections being opened at once' },
  },
  socketsPerProcess: (o) => Math.max(o.idle ?? 0, o.clients ?? 0),

  async run(o, ctx): Promise<BenchReport> {
    const size = Math.min(MAX_PARTICIPANTS, Math.max(2, Math.floor(o['meeting-size']!)));
    const clients = Math.floor(o.clients! / size) * size;
    const cpuProfDir = ctx.paths['cpu-prof'];
    const dataDir = tempDir('merimeet-bench-');
    const maxConnections = Math.max(o.idle!, clients) + 1000;
    const meriMeet: Side = { server: 'meriMeet', idle: null, relay: null };
    const bare: Side = { server: 'bare ws relay', idle: null, relay: null };

    const idleOptions = (checkPing: boolean) => ({
      count: o.idle!,
      concurrency: o.concurrency!,
      timeLimitMs: IDLE_TIME_LIMIT_MS,
      checkPing,
      log: ctx.log,
    });
    const meetingOptions = { clients, size, concurrency: o.concurrency!, log: ctx.log };
    const loadOptions = {
      seconds: o.seconds!,
      warmupSeconds: o.warmup!,
      rate: o.rate!,
      window: Math.max(1, o.window!),
      payloadBytes: o.payload!,
      log: ctx.log,
    };

    try {
      // The first start also makes the self-signed certificate the bare relay reuses.
      ctx.log('meriMeet: idle connections');
      meriMeet.idle = await phase(await startMeriMeet(dataDir, { maxConnections }), (s) =>
        o.idle! > 0 ? holdIdle(s, idleOptions(true)) : null,
      );
      if (o.idle! > 0) {
        ctx.log('bare relay: idle connections');
        bare.idle = await phase(await startBareRelay(dataDir), (s) => holdIdle(s, idleOptions(false)));
      }
      if (clients > 0) {
        // --cpu-prof DIR: V8 profiles of both servers' relay phase, side by side, for comparing where time goes.
        const profile = (name: string) => (cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', join(cpuProfDir, name)] : []);
        ctx.log(`meriMeet: relay, ${clients} clients in meetings of ${size}`);
        meriMeet.relay = await phase(
          await startMeriMeet(dataDir, { maxConnections, nodeArgs: profile('merimeet') }),
          async (s) => relay(s, await joinMeriMeet(s, meetingOptions), loadOptions),
        );
        ctx.log('bare relay: relay');
        bare.relay = await phase(await startBareRelay(dataDir, { nodeArgs: profile('bare') }), async (s) =>
          relay(s, await joinBareRelay(s, meetingOptions), loadOptions),
        );
        if (cpuProfDir) ctx.log(`CPU profiles (open in Chrome DevTools) written to ${cpuProfDir}/{merimeet,bare}`);
      }
    } finally {
      removeDir(dataDir);
    }
    return report(meriMeet, bare, o, clients);
  },
};

/** Runs one measurement against a server and always stops it afterwards. */
async function phase<T>(server: ServerUnderTest, measure: (s: ServerUnderTest) => Promise<T> | T): Promise<T> {
  try {
    return await measure(server);
  } finally {
    await server.stop();
  }
}

async function relay(
  server: ServerUnderTest,
  clients: LoadClient[],
  options: Parameters<typeof runLoad>[2],
): Promise<RelayResult> {
  try {
    return await runLoad(clients, [server.pid], options);
  } finally {
    for (const c of clients) c.ws.terminate();
  }
}

function report(meriMeet: Side, bare: Side, o: Record<string, number>, clients: number): BenchReport {
  const ratio = (a: number | null | undefined, b: number | null | undefined) =>
    a != null && b != null && b !== 0 ? a / b : null;
  const m = meriMeet;
  const b = bare;
  const throughputRatio = ratio(m.relay?.messagesPerSecond, b.relay?.messagesPerSecond);
  const row = (s: Side) => [
    s.server,
    fmt(s.idle?.held),
    fmt(s.idle?.rssPerConnectionBytes != null ? kib(s.idle.rssPerConnectionBytes) : null, 1),
    fmt(s.relay?.messagesPerSecond),
    fmt(s.relay?.p50Ms, 2),
    fmt(s.relay?.p99Ms, 2),
    fmt(s.relay?.serverCpuMicrosPerMessage, 1),
  ];
  const x = (v: number | null) => (v == null ? '—' : `${fmt(v, 2)}×`);
  const summary = {
    title: [
      'Signaling',
      m.idle ? `${fmt(o.idle)} idle connections` : null,
      m.relay ? `${fmt(clients)} clients in meetings of ${o['meeting-size']} relaying for ${o.seconds} s` : null,
    ]
      .filter(Boolean)
      .join(' — '),
    columns: ['server', 'conns held', 'RSS/conn KiB', 'msgs/s', 'p50 ms', 'p99 ms', 'CPU µs/msg'],
    rows: [
      row(m),
      row(b),
      [
        'meriMeet / bare',
        x(ratio(m.idle?.held, b.idle?.held)),
        x(ratio(m.idle?.rssPerConnectionBytes, b.idle?.rssPerConnectionBytes)),
        x(throughputRatio),
        x(ratio(m.relay?.p50Ms, b.relay?.p50Ms)),
        x(ratio(m.relay?.p99Ms, b.relay?.p99Ms)),
        x(ratio(m.relay?.serverCpuMicrosPerMessage, b.relay?.serverCpuMicrosPerMessage)),
      ],
    ],
  };
  const detailRow = (s: Side) => [
    s.server,
    fmt(s.idle?.openSeconds, 1),
    fmt(s.idle ? mib(s.idle.rssBeforeBytes) : null),
    fmt(s.idle ? mib(s.idle.rssAfterBytes) : null),
    s.idle == null ? '—' : s.idle.pingMs != null ? fmt(s.idle.pingMs, 1) : s.idle.pingError ? 'no answer' : 'n/a',
    fmt(s.relay?.serverCpuPercent),
    fmt(s.relay?.clientCpuPercent),
    fmt(s.relay?.machineCpuPercent),
    fmt(s.relay?.capacityPerSecond),
    fmt(s.relay?.maxMs, 1),
    s.relay ? `${fmt(s.relay.errors)} / ${fmt(s.relay.lost)}` : '—',
  ];
  const details = {
    title: 'Details',
    columns: ['server', 'open s', 'RSS before MiB', 'RSS after MiB', 'ping ms', 'server CPU %', 'client CPU %', 'machine CPU %', 'est. msgs/s/core', 'max ms', 'errors / lost'],
    rows: [detailRow(m), detailRow(b)],
  };

  const targets: Target[] = [];
  if (m.idle) {
    targets.push({
      name: 'idle connections held by meriMeet',
      required: `≥ ${fmt(IDLE_TARGET)}`,
      measured: fmt(m.idle.held),
      pass: m.idle.held >= IDLE_TARGET,
    });
    targets.push({
      name: 'meriMeet answers ping while holding them',
      required: 'pong',
      measured: m.idle.pingMs != null ? `pong in ${fmt(m.idle.pingMs, 1)} ms` : (m.idle.pingError ?? 'no answer'),
      pass: m.idle.pingMs != null,
    });
  }
  if (m.relay && b.relay) {
    targets.push({
      name: 'relay throughput vs bare ws',
      required: `≥ ${THROUGHPUT_TARGET.toFixed(2)}×`,
      measured: x(throughputRatio),
      pass: throughputRatio != null && throughputRatio >= THROUGHPUT_TARGET,
    });
    // The same target judged by cost: what one server core can relay. Paced clients cannot show a
    // ceiling (both servers may simply keep up), the CPU each message costs still does.
    const capacityRatio = ratio(m.relay.capacityPerSecond, b.relay.capacityPerSecond);
    targets.push({
      name: 'relay capacity per core vs bare ws',
      required: `≥ ${THROUGHPUT_TARGET.toFixed(2)}×`,
      measured: x(capacityRatio),
      pass: capacityRatio != null && capacityRatio >= THROUGHPUT_TARGET,
    });
  }

  return {
    results: m as unknown as Record<string, unknown>,
    baseline: b as unknown as Record<string, unknown>,
    targets,
    tables: [summary, details],
    notes: notes(m, b),
  };
}

/** What a reader needs to interpret the numbers. */
function notes(m: Side, b: Side): string[] {
  const out: string[] = [];
  for (const s of [m, b]) {
    if (s.idle && s.idle.failed > 0) out.push(`${s.server}: ${s.idle.failed} connections failed to open (first: ${s.idle.firstError})`);
    if (s.relay && s.relay.errors > 0) out.push(`${s.server}: ${s.relay.errors} error frames during the load (first: ${s.relay.firstError})`);
    if (s.relay && s.relay.closedDuringLoad > 0) out.push(`${s.server}: ${s.relay.closedDuringLoad} sockets closed during the load`);
  }
  const r = m.relay ?? b.relay;
  if (r) {
    out.push(`signal data ${r.payloadBytes} bytes (frame ${r.frameBytes} bytes); latency is send → receive on one clock, through TLS both ways.`);
  }
  if (m.relay?.offeredPerSecond != null && b.relay) {
    const cap = m.relay.offeredPerSecond;
    const near = (x: RelayResult) => x.messagesPerSecond >= 0.95 * cap;
    if (near(m.relay) && near(b.relay)) {
      out.push(
        `both servers kept up with the paced load (${fmt(cap)} msgs/s offered), so msgs/s shows that they sustain it, not their ceilings; ` +
          'CPU µs/msg (capacity per core) compares their cost. To reach the ceilings add clients (e.g. --clients 1200): ' +
          "the server's per-connection rate limit (50 msgs/s by default; the benchmark runs it with its defaults) caps what one client may send.",
      );
    }
  }
  for (const s of [m, b]) {
    const r = s.relay;
    const others = r ? r.machineCpuPercent - r.serverCpuPercent - r.clientCpuPercent : 0;
    if (r && others > 25) {
      out.push(`other processes used ~${fmt(others)}% of a core during the relay phase against ${s.server}: its latency and msgs/s are noisy.`);
    }
  }
  if (b.relay && b.relay.clientCpuPercent > 90) {
    out.push(`the load clients used ${fmt(b.relay.clientCpuPercent)}% of a core against the bare relay: its number may be client-bound.`);
  }
  return out;
}
