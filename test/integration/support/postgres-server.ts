/**
 * A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries,
 * a fresh data directory, loopback only, started as a child process and
 * stopped by PID. PostgreSQL refuses to run as root, so when the tests run as
 * root (CI does) the server runs as the `postgres` user the package creates.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** initdb takes ~1.5 s and start-up ~0.5 s on 2 idle cores; 30 s covers a machine under the whole suite. */
const START_BUDGET_MS = 30_000;
/** A fast shutdown (SIGINT) takes well under a second; past this something is wrong. */
const STOP_BUDGET_MS = 10_000;

export interface PostgresServer {
  port: number;
  /** postgres://merimeet@127.0.0.1:PORT/DB */
  url(database?: string): string;
  /** A new, empty database on this server; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and starts it again on the same port and data (a database restart, as clients see it). */
  restart(): Promise<void>;
  /** Stops the server, keeping its data, until start() (to test what clients do meanwhile). */
  stopForNow(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (scripts/setup.sh installs Debian\'s postgresql)');
  const root = mkdtempSync(join(tmpdir(), 'merimeet-pg-'));
  const data = join(root, 'data');
  const owner = process.getuid?.() === 0 ? userIds('postgres') : undefined;
  if (owner) chownSync(root, owner.uid, owner.gid);
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'merimeet', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], {
    ...(owner ?? {}),
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}):\n${init.stderr}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';

  const url = (database = 'postgres') => `postgres://merimeet@127.0.0.1:${port}/${database}`;
  async function start(): Promise<void> {
    // fsync off: the data directory is thrown away after the test, and the suite runs on 2 busy cores.
    child = spawn(
      join(bin!, 'postgres'),
      ['-D', data, '-p', String(port), '-k', root, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
      { ...(owner ?? {}), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    // A test file that never calls stop() (it failed early) must not leave a database server behind.
    const orphan = child;
    process.once('exit', () => orphan.kill('SIGKILL'));
    await waitUntilReady(url(), child, () => log);
  }
  async function stopForNow(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGINT'); // fast shutdown: ends client sessions, as a real restart does
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_BUDGET_MS);
    await exited;
    clearTimeout(timer);
  }
  await start();
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/[^a-z0-9_]/g, '')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async restart() {
      await stopForNow();
      await start();
    },
    stopForNow,
    start,
    async stop() {
      await stopForNow();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_BUDGET_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      // Expected while it starts up ("the database system is starting up", ECONNREFUSED).
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections in ${START_BUDGET_MS} ms: ${String(err)}\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function userIds(name: string): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error(`running as root, and there is no '${name}' user to run PostgreSQL as`);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
