/**
 * A whole cluster on loopback, for real: PostgreSQL, nats-server, N server
 * instances (each its own process, through the real CLI) and HAProxy in
 * front. Everything is a child process of the test, stopped by PID.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaproxy, type LoadBalancer } from './haproxy.js';
import { startNats, type NatsServer } from './nats-server.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { stopChild } from './child-process.js';

export interface Instance {
  process: ServerProcess;
  /** ws://127.0.0.1:PORT/ws: this instance directly, past the load balancer. */
  url: string;
  port: number;
  dataDir: string;
}

export interface Cluster {
  postgres: PostgresServer;
  nats: NatsServer;
  instances: Instance[];
  balancer: LoadBalancer;
  stop(): Promise<void>;
}

export async function startCluster(size = 3, extraArgs: string[] = []): Promise<Cluster> {
  const postgres = await startPostgres();
  const nats = await startNats();
  const storeUrl = await postgres.createDatabase('merimeet');
  const instances: Instance[] = [];
  try {
    // One after another: three tsx start-ups at once on 2 cores only make each slower.
    for (let i = 0; i < size; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), `merimeet-cluster-${i}-`));
      const process = await startServerProcess(dataDir, ['--behind-proxy', '--log-level', 'debug', ...extraArgs], {
        MERIMEET_STORE: storeUrl,
        MERIMEET_NATS: nats.url,
      });
      const port = Number(new URL(process.url).port);
      instances.push({ process, url: process.url, port, dataDir });
    }
    const balancer = await startHaproxy(instances.map((i) => i.port));
    return {
      postgres,
      nats,
      instances,
      balancer,
      async stop() {
        await balancer.stop();
        for (const instance of instances) {
          await stopChild(instance.process.child, 'SIGTERM', 10_000);
          rmSync(instance.dataDir, { recursive: true, force: true });
        }
        await nats.stop();
        await postgres.stop();
      },
    };
  } catch (err) {
    for (const instance of instances) instance.process.child.kill('SIGKILL');
    await nats.stop();
    await postgres.stop();
    throw err;
  }
}

/** GET /healthz of one instance: its HTTP status and JSON body. */
export function healthOf(port: number, timeoutMs = 5_000): Promise<{ status: number; body: { status: string; problems?: string[] } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: timeoutMs }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { status: string; problems?: string[] } }));
    });
    req.on('timeout', () => req.destroy(new Error(`/healthz on ${port} did not answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls every instance's /healthz until each reports `status`, or fails after budgetMs. */
export async function untilHealth(instances: Instance[], status: string, budgetMs: number): Promise<void> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const all = await Promise.all(instances.map((i) => healthOf(i.port)));
    if (all.every((h) => h.body.status === status)) return;
    if (Date.now() > deadline) throw new Error(`instances not ${status} within ${budgetMs} ms: ${JSON.stringify(all.map((h) => h.body))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
