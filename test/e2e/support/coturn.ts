/**
 * A real coturn relay on loopback for one test, with TURN REST API
 * credentials (`use-auth-secret`), as docs/e2e-and-benchmarks.md describes.
 * Started directly (no daemonizing), so the child's PID is coturn's; it is
 * stopped by that PID (daemons.ts also kills it if the test dies first).
 * `restart()` brings it back on the same ports — a relay that crashed and
 * came back, which every allocation on it did not survive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, track, untrack, waitForExit } from './daemons.js';

export const TURNSERVER = process.env.MERIMEET_TURNSERVER ?? 'turnserver';

export interface Coturn {
  /** e.g. turn:127.0.0.1:34780?transport=udp */
  url: string;
  port: number;
  secret: string;
  pid(): number;
  /** SIGKILL: the relay dies with every allocation, no goodbye. */
  kill(): Promise<void>;
  /** Starts it again on the same ports with the same secret. */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 3 s) and remove its temp dir. Safe to call twice. */
  stop(): Promise<void>;
  log(): string;
}

/** A UDP port nobody uses right now (bind 0, read it, let it go). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => socket.bind(0, '127.0.0.1', () => resolve()).once('error', reject));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Sends a STUN Binding request and resolves true on any answer within `timeoutMs`. */
export async function stunAnswers(port: number, timeoutMs = 300): Promise<boolean> {
  const socket = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request
  request.writeUInt16BE(0, 2);
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  randomBytes(12).copy(request, 8);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.once('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      socket.send(request, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

export async function startCoturn(options: { secret?: string; port?: number } = {}): Promise<Coturn> {
  const secret = options.secret ?? randomBytes(16).toString('hex');
  const port = options.port ?? (await freeUdpPort());
  const dir = mkdtempSync(join(tmpdir(), 'merimeet-coturn-'));
  // Relay ports: a small range of its own above the listening port's neighbourhood.
  const minPort = 49160 + (port % 400) * 2;
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=merimeet.test',
    '--no-tls',
    '--no-dtls',
    '--no-tcp',
    '--no-cli',
    `--min-port=${minPort}`,
    `--max-port=${minPort + 200}`,
    // Loopback is all the test namespace has; without this coturn answers 403 Forbidden IP.
    '--allow-loopback-peers',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--log-file=${join(dir, 'turn.log')}`,
    '--simple-log',
  ];
  let child: ChildProcess | null = null;

  async function launch(): Promise<void> {
    const c = spawn(TURNSERVER, args, { stdio: 'ignore' });
    c.on('error', () => undefined); // a missing binary: reported below (no pid)
    child = c;
    if (c.pid === undefined) throw new Error(`could not start ${TURNSERVER} (apt-get install -y coturn)`);
    track(c.pid, 'coturn');
    const deadline = Date.now() + 10_000;
    while (!(await stunAnswers(port))) {
      if (c.exitCode !== null || Date.now() > deadline) {
        await stopChild('SIGKILL');
        throw new Error(`coturn did not start on 127.0.0.1:${port}:\n${readLog()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function stopChild(signal: NodeJS.Signals): Promise<void> {
    const c = child;
    child = null;
    if (!c?.pid) return;
    if (isAlive(c.pid)) {
      c.kill(signal);
      if (!(await waitForExit(c.pid, 3_000))) {
        c.kill('SIGKILL');
        await waitForExit(c.pid, 3_000);
      }
    }
    untrack(c.pid);
  }

  const readLog = () => {
    try {
      return readFileSync(join(dir, 'turn.log'), 'utf8');
    } catch {
      return '(no log)';
    }
  };

  await launch();
  let stopped = false;
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    port,
    secret,
    pid: () => child?.pid ?? -1,
    kill: () => stopChild('SIGKILL'),
    restart: launch,
    log: readLog,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
