/**
 * A signaling server of the test's own, as a separate process started
 * through the real CLI (like test/integration/support/server-process.ts), for
 * tests that kill it (SIGKILL), drain it (SIGTERM) or give it TURN settings:
 * the suite's shared server (global-setup.ts) must never be touched that way.
 *
 * It serves the built web client, so a People made with it opens pages on
 * this server's origin. `restart()` brings it back on the same port with the
 * same data directory: the same certificate, the same database and the same
 * resume-token key, as an upgraded or crashed server would come back.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServerProcess } from '../../integration/support/server-process.js';
import { isAlive, track, untrack, waitForExit } from './daemons.js';
import type { E2EServer } from './server-env.js';

export interface OwnServer extends E2EServer {
  port: number;
  pid(): number;
  /** Sends `signal` and waits for the process to be gone (SIGKILL: nothing is drained). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the CLI again on the same port and data directory; resolves once it listens. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL) and deletes its data. Safe to call twice. */
  stop(): Promise<void>;
  output(): string;
}

export interface OwnServerOptions {
  /** Extra CLI flags (e.g. --turn-url, --grace). */
  args?: string[];
  /** Environment for the CLI (MERIMEET_TURN_SECRET keeps the secret off the command line). */
  env?: NodeJS.ProcessEnv;
}

export async function startOwnServer(options: OwnServerOptions = {}): Promise<OwnServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'merimeet-e2e-own-'));
  const webRoot = resolve('dist/web');
  const base = ['--web-root', webRoot, '--log-level', 'warn', ...(options.args ?? [])];
  const env = options.env ?? {};
  /** Each process's output, read when asked (a process goes on writing after it started). */
  const outputs: (() => string)[] = [];
  let child: ChildProcess | null = null;

  const first = await startServerProcess(dataDir, base, env);
  child = first.child;
  track(child.pid!, 'signaling server');
  const port = Number(new URL(first.url).port);
  outputs.push(first.output);

  async function stopChild(signal: NodeJS.Signals): Promise<void> {
    const c = child;
    child = null;
    if (!c?.pid) return;
    if (isAlive(c.pid)) {
      c.kill(signal);
      if (!(await waitForExit(c.pid, 8_000))) {
        c.kill('SIGKILL');
        await waitForExit(c.pid, 3_000);
      }
    }
    untrack(c.pid);
  }

  let stopped = false;
  return {
    url: first.url,
    origin: `https://127.0.0.1:${port}`,
    ca: first.ca,
    port,
    pid: () => child?.pid ?? -1,
    kill: (signal = 'SIGKILL') => stopChild(signal),
    async restart() {
      if (child) throw new Error('the server is still running');
      const again = await startServerProcess(dataDir, [...base, '--port', String(port)], env);
      child = again.child;
      track(child.pid!, 'signaling server');
      outputs.push(again.output);
    },
    output: () => outputs.map((o) => o()).join('\n--- restarted ---\n'),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

