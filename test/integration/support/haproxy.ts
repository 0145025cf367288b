/**
 * HAProxy (Debian's `haproxy`) in front of the cluster, as the README's
 * recipe has it: HTTP mode (WebSocket upgrades pass through), health checks
 * on /healthz, X-Forwarded-For for the instances' per-address throttles.
 * Loopback only; a child process of the test in the foreground (-db).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, waitFor } from './child-process.js';
import { accepts } from './nats-server.js';
import { freePort } from './postgres-server.js';

const START_BUDGET_MS = 15_000;
const STOP_BUDGET_MS = 5_000;

export interface LoadBalancer {
  /** ws://127.0.0.1:PORT/ws */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The suite's checks: every 500 ms, 2 failures take an instance out, 1 success brings it back (a check answers within `inter`). */
const SUITE_CHECK = 'inter 500ms fall 2 rise 1';

export function haproxyConfig(frontendPort: number, backendPorts: readonly number[], check = SUITE_CHECK): string {
  return `global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # A WebSocket is one long request; this is its idle limit (the server pings every 15 s).
  timeout tunnel 1h

frontend merimeet
  bind 127.0.0.1:${frontendPort}
  option forwardfor
  default_backend signaling

backend signaling
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
${backendPorts.map((p, i) => `  server s${i + 1} 127.0.0.1:${p} check ${check}`).join('\n')}
`;
}

/** `check`: HAProxy's health-check settings for each instance (SUITE_CHECK unless given). */
export async function startHaproxy(backendPorts: readonly number[], check?: string): Promise<LoadBalancer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'merimeet-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(port, backendPorts, check));
  let log = '';
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', (err) => (log += `spawn failed: ${err.message} (scripts/setup.sh installs Debian's haproxy)\n`));
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor('haproxy', () => accepts(port), START_BUDGET_MS, child, () => log);
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    async stop() {
      await stopChild(child, 'SIGTERM', STOP_BUDGET_MS);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
