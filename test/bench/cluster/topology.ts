/**
 * What the cluster benchmark runs against, every process started and stopped
 * by it: PostgreSQL and nats-server (the integration suite's helpers), N
 * instances through the real CLI (`--behind-proxy`, as the README's cluster
 * recipe runs them) and HAProxy in front with the recipe's configuration.
 * One instance is the same minus NATS: the single server a cluster replaces,
 * behind the same balancer and on the same PostgreSQL, so the comparison
 * shows what spreading costs, not what HAProxy or the store cost.
 */
import { startHaproxy, type LoadBalancer } from '../../integration/support/haproxy.js';
import { startNats, type NatsServer } from '../../integration/support/nats-server.js';
import { startPostgres, type PostgresServer } from '../../integration/support/postgres-server.js';
import { removeDir, tempDir } from '../support/cleanup.js';
import { startTs, stop, type Started } from '../support/processes.js';

export interface Backing {
  postgres: PostgresServer;
  nats: NatsServer;
  stop(): Promise<void>;
}

export interface Topology {
  /** ws://127.0.0.1:PORT/ws of HAProxy. */
  url: string;
  /** ws://127.0.0.1:PORT/ws of each instance, past the balancer. */
  instanceUrls: string[];
  instancePids: number[];
  stop(): Promise<void>;
}

export async function startBacking(): Promise<Backing> {
  const postgres = await startPostgres();
  try {
    const nats = await startNats();
    return {
      postgres,
      nats,
      async stop() {
        await nats.stop();
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

let databases = 0;

/**
 * The bench measures relay, not failover. With the suite's checks (500 ms,
 * two failures) HAProxy answered 503 during set-up on a machine at load 12:
 * most likely two /healthz answers slower than the 500 ms a check waits took
 * the only instance out. Every 2 s, three failures: an instance is out after
 * ~6 s of silence, still well inside a meeting's 30 s grace.
 */
const BENCH_CHECK = 'inter 2s fall 3 rise 1';

/** `size` instances on a fresh database; with NATS when more than one (a single server needs none). */
export async function startTopology(backing: Backing, size: number, maxConnections: number): Promise<Topology> {
  const store = await backing.postgres.createDatabase(`bench${++databases}`);
  const started: Array<{ proc: Started; dataDir: string }> = [];
  let balancer: LoadBalancer | undefined;
  const stopAll = async () => {
    await balancer?.stop();
    for (const { proc, dataDir } of started) {
      await stop(proc.child);
      removeDir(dataDir);
    }
  };
  try {
    // One after another: three tsx start-ups at once on 2 cores only make each slower.
    for (let i = 0; i < size; i++) {
      const dataDir = tempDir(`merimeet-bench-cluster-${i}-`);
      const args = [
        ...['--behind-proxy', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
        ...['--max-connections', String(maxConnections), '--max-connections-per-address', '0'],
        ...['--store', store],
        ...(size > 1 ? ['--nats', backing.nats.url] : []),
      ];
      started.push({ proc: await startTs('signaling/src/cli.ts', args, /on (ws:\/\/\S+)\s+TLS is the reverse proxy/), dataDir });
    }
    const instanceUrls = started.map(({ proc }) => proc.match[1]!);
    balancer = await startHaproxy(
      instanceUrls.map((u) => Number(new URL(u).port)),
      BENCH_CHECK,
    );
    return { url: balancer.url, instanceUrls, instancePids: started.map(({ proc }) => proc.pid), stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
