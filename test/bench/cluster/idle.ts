/**
 * Idle connections across a cluster: one client process per instance
 * (idle-worker.ts) opens its share straight to that instance, all at once;
 * then the instances' memory is read and each is asked a `ping` over a fresh
 * socket while it holds them.
 *
 * Straight to the instances, not through HAProxy: a proxied connection costs
 * HAProxy two descriptors, so under this machine's hard open-file limit
 * (20,000) HAProxy alone holds under 10,000. What is measured is what the
 * instances hold and what each connection costs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { trackChild } from '../support/cleanup.js';
import { ROOT, rssBytes, sleep } from '../support/processes.js';
import { openSocket, Rpc } from '../signaling/connect.js';

export interface SpreadIdleResult {
  requested: number;
  held: number;
  failed: number;
  firstError: string | null;
  /** The slowest worker's time to open its share. */
  openSeconds: number;
  heldPerInstance: number[];
  rssBeforeBytes: number[];
  rssAfterBytes: number[];
  /** Σ(RSS after − before) / Σ held. */
  rssPerConnectionBytes: number | null;
  /** The slowest instance's answer to a `ping` on a new socket while holding its share; null if one did not answer. */
  pingMs: number | null;
  pingError: string | null;
}

interface WorkerReport {
  held: number;
  failed: number;
  firstError: string | null;
  openSeconds: number;
}

/** Lets the instances finish handshakes and collect garbage before their memory is read. */
const SETTLE_MS = 2000;
/** Opening 10,000 sockets per worker takes ~10–40 s on this machine under load; past this the run is broken. */
const WORKER_BUDGET_MS = 5 * 60_000;

export async function holdIdleSpread(
  instances: Array<{ url: string; pid: number }>,
  perInstance: number,
  concurrency: number,
  log: (line: string) => void,
): Promise<SpreadIdleResult> {
  await sleep(SETTLE_MS);
  const rssBeforeBytes = instances.map((i) => rssBytes(i.pid));
  const workers = instances.map((instance, k) => startWorker(instance.url, perInstance, k * perInstance, concurrency));
  try {
    const reports = await Promise.all(workers.map((w) => w.report));
    await sleep(SETTLE_MS);
    const rssAfterBytes = instances.map((i) => rssBytes(i.pid));
    const held = reports.reduce((n, r) => n + r.held, 0);
    log(`  held ${held} of ${perInstance * instances.length} (${reports.map((r) => r.held).join(' + ')})`);
    const ping = await pingEach(instances.map((i) => i.url), perInstance * instances.length);
    const grown = rssAfterBytes.reduce((n, after, i) => n + after - rssBeforeBytes[i]!, 0);
    return {
      requested: perInstance * instances.length,
      held,
      failed: reports.reduce((n, r) => n + r.failed, 0),
      firstError: reports.find((r) => r.firstError)?.firstError ?? null,
      openSeconds: Math.max(...reports.map((r) => r.openSeconds)),
      heldPerInstance: reports.map((r) => r.held),
      rssBeforeBytes,
      rssAfterBytes,
      rssPerConnectionBytes: held > 0 ? grown / held : null,
      ...ping,
    };
  } finally {
    for (const w of workers) w.child.stdin!.end();
    await Promise.all(workers.map((w) => (w.child.exitCode === null ? once(w.child, 'exit') : null)));
  }
}

function startWorker(url: string, count: number, first: number, concurrency: number): { child: ChildProcess; report: Promise<WorkerReport> } {
  const args = ['--url', url, '--count', String(count), '--first', String(first), '--concurrency', String(concurrency)];
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/cluster/idle-worker.ts', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  trackChild(child);
  const report = new Promise<WorkerReport>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`idle worker for ${url}: no report in ${WORKER_BUDGET_MS} ms`)), WORKER_BUDGET_MS);
    timer.unref();
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as WorkerReport);
    });
    child.once('exit', (code) => reject(new Error(`idle worker for ${url} exited with ${code} before reporting`)));
  });
  return { child, report };
}

async function pingEach(urls: string[], offset: number): Promise<{ pingMs: number | null; pingError: string | null }> {
  let slowest = 0;
  for (const [k, url] of urls.entries()) {
    try {
      const rpc = new Rpc(await openSocket({ url, ca: '' }, offset + k, 10_000));
      const t0 = performance.now();
      const reply = await rpc.request({ type: 'ping' }, 10_000);
      if (reply.type !== 'pong') return { pingMs: null, pingError: `${url} answered ${String(reply.type)}` };
      slowest = Math.max(slowest, performance.now() - t0);
      rpc.detach().terminate();
    } catch (err) {
      return { pingMs: null, pingError: `${url}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { pingMs: slowest, pingError: null };
}
