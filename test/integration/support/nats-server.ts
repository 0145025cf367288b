/**
 * A throwaway nats-server (Debian's `nats-server`) for tests: loopback only,
 * a child process of the test, stopped by PID. No JetStream: the cluster
 * uses plain publish/subscribe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { stopChild, waitFor } from './child-process.js';
import { freePort } from './postgres-server.js';

/** nats-server is up in ~50 ms; this covers 2 cores under the whole suite. */
const START_BUDGET_MS = 15_000;
const STOP_BUDGET_MS = 5_000;

export interface NatsServer {
  url: string;
  /** Stops it, keeping the port, until start(). */
  stopForNow(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNats(): Promise<NatsServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  async function start(): Promise<void> {
    child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  return { url: `nats://127.0.0.1:${port}`, start, stopForNow, stop: stopForNow };
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
