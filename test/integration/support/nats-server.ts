/**
 * A throwaway nats-server (Debian's `nats-server`) for tests: loopback only,
 * a child process of the test, stopped by PID. No JetStream: the cluster
 * uses plain publish/subscribe. It asks for a user and password, as the
 * instances require (cluster/cluster-bus.ts); `open: true` starts one that
 * does not, to see them refuse it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { stopChild, waitFor } from './child-process.js';
import { freePort } from './postgres-server.js';

/** nats-server is up in ~50 ms; this covers 2 cores under the whole suite. */
const START_BUDGET_MS = 15_000;
const STOP_BUDGET_MS = 5_000;

export interface NatsServer {
  /** nats://USER:PASSWORD@127.0.0.1:PORT (no credentials when started open). */
  url: string;
  /** The same server without the credentials: what a stranger on the machine can reach. */
  anonymousUrl: string;
  /** Stops it, keeping the port, until start(). */
  stopForNow(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNats(options: { open?: boolean } = {}): Promise<NatsServer> {
  const port = await freePort();
  const password = randomBytes(16).toString('hex');
  const auth = options.open ? [] : ['--user', 'merimeet', '--pass', password];
  let child: ChildProcess | undefined;
  let log = '';
  async function start(): Promise<void> {
    child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), ...auth], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', (err) => (log += `spawn failed: ${err.message} (scripts/setup.sh installs Debian's nats-server)\n`));
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor('nats-server', () => accepts(port), START_BUDGET_MS, child, () => log);
  }
  async function stopForNow(): Promise<void> {
    if (child) await stopChild(child, 'SIGTERM', STOP_BUDGET_MS);
    child = undefined;
  }
  await start();
  const anonymousUrl = `nats://127.0.0.1:${port}`;
  const url = options.open ? anonymousUrl : `nats://merimeet:${password}@127.0.0.1:${port}`;
  return { url, anonymousUrl, start, stopForNow, stop: stopForNow };
}

/** Whether something accepts TCP connections on the port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
