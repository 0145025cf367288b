/**
 * The "cluster" benchmark: the signaling benchmark's relay load (the same
 * clients, meetings, frames and pacing: ../signaling/) on three instances
 * sharing PostgreSQL and NATS behind HAProxy, against one instance behind
 * the same HAProxy on the same PostgreSQL, in the same run:
 *
 *   1. relay: clients join through the balancer, which deals them out round
 *      robin, so consecutive members of a meeting land on different instances
 *      and most signals cross NATS twice (edge → home → edge);
 *   2. idle: N connections held across the instances (idle.ts), against one
 *      instance holding its share, with server RSS per connection.
 *
 * Every phase gets freshly started instances (and a fresh database), so one
 * phase's garbage does not weigh on the next; PostgreSQL and nats-server are
 * started once for the run.
 */
import type { Benchmark, BenchReport } from '../support/benchmark.js';
import { MAX_PARTICIPANTS } from '../../../signaling/src/protocol/limits.js';
import { runLoad, type LoadOptions, type RelayResult } from '../signaling/load.js';
import { joinMeriMeet } from '../signaling/meetings.js';
import { holdIdleSpread, type SpreadIdleResult } from './idle.js';
import { report } from './report.js';
import { startBacking, startTopology, type Backing, type Topology } from './topology.js';

export interface Side {
  server: string;
  instances: number;
  relay: RelayResult | null;
  idle: SpreadIdleResult | null;
}

export const clusterBenchmark: Benchmark = {
  name: 'cluster',
  summary: 'three instances (PostgreSQL + NATS + HAProxy) vs one behind the same HAProxy: relay throughput, latency, idle connections',
  options: {
    instances: { default: 3, help: 'instances in the cluster' },
    idle: { default: 30_000, help: 'idle connections across the cluster; one instance holds its share (0 skips the idle phase)' },
    clients: { default: 400, help: 'relay clients (rounded down to whole meetings; 0 skips the relay phase)' },
    'meeting-size': { default: 4, help: `clients per meeting (2 to ${MAX_PARTICIPANTS})` },
    seconds: { default: 10, help: 'measured seconds of relay load' },
    warmup: { default: 2, help: 'seconds of load before measuring' },
    rate: { default: 45, help: 'signals per second per client, 0 = unpaced; keep under the server per-connection limit (50/s)' },
    window: { default: 4, help: 'signals each client may have in flight' },
    payload: { default: 200, help: 'bytes of fake SDP/ICE JSON per signal' },
    concurrency: { default: 200, help: 'connections being opened at once (per client process)' },
  },
  // The idle clients are spread over one process per instance; the relay clients are in this one.
  socketsPerProcess: (o) => Math.max(Math.ceil((o.idle ?? 0) / Math.max(1, o.instances ?? 1)), o.clients ?? 0),

  async run(o, ctx): Promise<BenchReport> {
    const n = Math.max(2, Math.floor(o.instances!));
    const size = Math.min(MAX_PARTICIPANTS, Math.max(2, Math.floor(o['meeting-size']!)));
    const clients = Math.floor(o.clients! / size) * size;
    const perInstance = Math.floor(o.idle! / n);
    const maxConnections = perInstance + clients + 1000;
    const single: Side = { server: 'one instance', instances: 1, relay: null, idle: null };
    const cluster: Side = { server: `cluster of ${n}`, instances: n, relay: null, idle: null };
    const loadOptions: LoadOptions = {
      seconds: o.seconds!,
      warmupSeconds: o.warmup!,
      rate: o.rate!,
      window: Math.max(1, o.window!),
      payloadBytes: o.payload!,
      log: ctx.log,
    };
    const meetingOptions = { clients, size, concurrency: o.concurrency!, log: ctx.log };
    ctx.log('starting PostgreSQL and nats-server');
    const backing = await startBacking();
    try {
      for (const side of clients > 0 ? [single, cluster] : []) {
        ctx.log(`${side.server}: relay, ${clients} clients in meetings of ${size}`);
        side.relay = await phase(backing, side.instances, maxConnections, async (t) => {
          const joined = await joinMeriMeet({ url: t.url, ca: '' }, meetingOptions);
          try {
            return await runLoad(joined, t.instancePids, loadOptions);
          } finally {
            for (const c of joined) c.ws.terminate();
          }
        });
      }
      for (const side of perInstance > 0 ? [single, cluster] : []) {
        ctx.log(`${side.server}: ${perInstance * side.instances} idle connections`);
        side.idle = await phase(backing, side.instances, maxConnections, (t) =>
          holdIdleSpread(
            t.instanceUrls.map((url, i) => ({ url, pid: t.instancePids[i]! })),
            perInstance,
            o.concurrency!,
            ctx.log,
          ),
        );
      }
    } finally {
      await backing.stop();
    }
    return report(single, cluster, { ...o, clients, 'meeting-size': size });
  },
};

/** Runs one measurement against freshly started instances and always stops them afterwards. */
async function phase<T>(backing: Backing, size: number, maxConnections: number, measure: (t: Topology) => Promise<T>): Promise<T> {
  const topology = await startTopology(backing, size, maxConnections);
  try {
    return await measure(topology);
  } finally {
    await topology.stop();
  }
}
