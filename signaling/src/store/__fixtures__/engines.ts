/**
 * The store's tests run once per engine: SQLite in a temp directory, and a
 * real PostgreSQL started for the test file (test/integration/support). Each
 * test gets an empty database of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../../test/integration/support/postgres-server.js';
import { openDatabase } from '../database.js';
import { PostgresSql } from '../postgres-sql.js';
import type { Dialect, SqlStore } from '../sql.js';
import { SqliteSql } from '../sqlite-sql.js';

export const ENGINES: readonly Dialect[] = ['sqlite', 'postgres'];

export interface TestStore {
  /** The open store of the current test. */
  sql: SqlStore;
  /** The SQLite data directory ('' for PostgreSQL). */
  dir: string;
  /** The PostgreSQL database's URL ('' for SQLite). */
  url: string;
  /** Closes the store and opens the same database again (a server restart). */
  reopen(): Promise<SqlStore>;
}

let nextDatabase = 1;

/** Registers the hooks that give each test of the enclosing describe a fresh store of this engine. */
export function useStore(engine: Dialect): TestStore {
  let server: PostgresServer | undefined;
  let stopping = false;
  const handle: TestStore = { sql: undefined as unknown as SqlStore, dir: '', url: '', reopen };
  const open = async (): Promise<SqlStore> =>
    engine === 'sqlite'
      ? new SqliteSql(openDatabase(handle.dir))
      : PostgresSql.open({
          url: handle.url,
          onIdleError: (err) => {
            // A pool still ending its last connection when the server stops gets 57P01 (admin shutdown): expected then.
            if (stopping && (err as { code?: string }).code === '57P01') return;
            throw err; // a test's database does not restart under it; if it does, fail loudly
          },
        });
  async function reopen(): Promise<SqlStore> {
    await handle.sql.close();
    handle.sql = await open();
    return handle.sql;
  }

  // initdb and start-up: a few seconds, once per file.
  beforeAll(async () => {
    if (engine === 'postgres') server = await startPostgres();
  }, 60_000);
  // A fast shutdown is well under a second idle; on 2 cores under the whole suite it took up to ~10 s.
  afterAll(async () => {
    stopping = true;
    await server?.stop();
  }, 30_000);
  beforeEach(async () => {
    if (engine === 'sqlite') handle.dir = mkdtempSync(join(tmpdir(), 'merimeet-store-'));
    else handle.url = await server!.createDatabase(`test_${process.pid}_${nextDatabase++}`);
    handle.sql = await open();
  });
  afterEach(async () => {
    await handle.sql.close();
    if (handle.dir) rmSync(handle.dir, { recursive: true, force: true });
  });
  return handle;
}
