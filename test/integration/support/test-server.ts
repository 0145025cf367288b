/**
 * Starts a real signaling server (real TLS, real SQLite in a fresh temp dir)
 * for one test file, and keeps its log lines so tests can check what was
 * (and was not) logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ServerConfig } from '../../../signaling/src/config.js';
import { createLogger } from '../../../signaling/src/observability/logger.js';
import { startServer, type RunningServer } from '../../../signaling/src/server.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';

export interface TestServer {
  server: RunningServer;
  url: string;
  /** PEM of the server's certificate, for clients to pin. */
  ca: string;
  dataDir: string;
  /** Bearer token for /metrics (on unless the test turns it off with metricsToken: undefined). */
  metricsToken: string | undefined;
  /** Every JSON log line the server wrote. */
  logs: string[];
  /** Stops the server and starts it again on the same port and data directory. */
  restart(overrides?: Partial<ServerConfig>): Promise<void>;
  stop(): Promise<void>;
}

export const TEST_METRICS_TOKEN = 'test-metrics-token';

/**
 * MERIMEET_TEST_STORE=postgres runs every test server of the suite on a real
 * PostgreSQL store (one throwaway server per test file, a database per test
 * server) instead of SQLite: the same suite, once per topology.
 */
const ON_POSTGRES = process.env.MERIMEET_TEST_STORE === 'postgres';
let postgres: Promise<PostgresServer> | undefined;
let serversOnPostgres = 0;
let nextDatabase = 1;

async function postgresStoreUrl(): Promise<string> {
  postgres ??= startPostgres();
  serversOnPostgres++;
  return (await postgres).createDatabase(`suite_${process.pid}_${nextDatabase++}`);
}

async function releasePostgres(): Promise<void> {
  if (--serversOnPostgres > 0 || !postgres) return;
  const server = postgres;
  postgres = undefined;
  await (await server).stop();
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'merimeet-test-'));
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDataDir();
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  // /metrics is off by default in production; tests that scrape it use this token.
  const storeUrl = ON_POSTGRES && overrides.storeUrl === undefined ? await postgresStoreUrl() : overrides.storeUrl;
  const base: Partial<ServerConfig> = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    metricsToken: TEST_METRICS_TOKEN,
    ...overrides,
    ...(storeUrl === undefined ? {} : { storeUrl }),
  };
  let server: RunningServer;
  try {
    server = await startServer(base, { logger });
  } catch (err) {
    if (ON_POSTGRES && overrides.storeUrl === undefined) await releasePostgres();
    throw err;
  }
  const handle: TestServer = {
    server,
    url: server.url,
    ca: server.certificatePem ?? '',
    dataDir,
    metricsToken: base.metricsToken,
    logs,
    async restart(more = {}) {
      await server.shutdown({ drainMs: 200 });
      server = await startServer({ ...base, port: server.port, ...more }, { logger });
      handle.server = server;
      handle.url = server.url;
    },
    async stop() {
      await server.shutdown({ drainMs: 200 });
      rmSync(dataDir, { recursive: true, force: true });
      if (ON_POSTGRES && overrides.storeUrl === undefined) await releasePostgres();
    },
  };
  return handle;
}
