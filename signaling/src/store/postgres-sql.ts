/**
 * The store interface over PostgreSQL (node-postgres), for several server
 * instances sharing one database. Opening it brings the schema up to date
 * under an advisory lock, so instances started together migrate once.
 */
import pg from 'pg';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { numberPlaceholders, type SqlExecutor, type SqlStore, type SqlValue } from './sql.js';

/** Any constant will do: it only has to be the same on every instance of this program. */
const MIGRATION_LOCK = 0x6d6d6565; // "mmee"
/** A request waits this long for a pooled connection, and a new connection this long for the server, before failing. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Per instance. Our queries are short; log-in traffic is bounded by scrypt, not by the pool. */
const POOL_SIZE = 10;

/**
 * int8 (BIGINT, count(*)) arrives as a string by default, because it can exceed
 * 2^53. Ours are epoch milliseconds, row ids and counts: far below that.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Errors of idle pooled connections (the database restarted): reported, never thrown. */
  onIdleError: (err: Error) => void;
}

export class PostgresSql implements SqlStore {
  readonly dialect = 'postgres' as const;
  private readonly direct: SqlExecutor;

  private constructor(private readonly pool: pg.Pool) {
    this.direct = executor(pool);
  }

  static async open(options: PostgresOptions): Promise<PostgresSql> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types,
      application_name: 'merimeet-signaling',
    });
    // Without a listener, an idle connection dropped by a database restart would crash the process.
    pool.on('error', options.onIdleError);
    const store = new PostgresSql(pool);
    try {
      await store.migrate();
      return store;
    } catch (err) {
      await pool.end();
      throw err;
    }
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.direct.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.direct.run(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection itself failed: it must not go back to the pool.
        broken = rollbackErr as Error;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (tx) => {
      // Held to the end of this transaction: a second instance waits here, then finds the work done.
      await tx.get('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await tx.run('CREATE TABLE IF NOT EXISTS merimeet_schema (version INTEGER NOT NULL)');
      const row = await tx.get<{ version: number }>('SELECT version FROM merimeet_schema');
      const current = row?.version ?? 0;
      if (current > SCHEMA_VERSION) {
        // A newer server has written a schema we cannot read safely; writing to it could destroy data it depends on.
        throw new Error(
          `the PostgreSQL database has schema version ${current}, but this server only knows up to ${SCHEMA_VERSION}; ` +
            'run a newer meriMeet server (or restore a backup made with this version)',
        );
      }
      // DDL is transactional in PostgreSQL: every step and the new version commit together, or not at all.
      for (let version = current; version < SCHEMA_VERSION; version++) await tx.run(MIGRATIONS[version]!.postgres);
      if (row === undefined) await tx.run('INSERT INTO merimeet_schema (version) VALUES (?)', [SCHEMA_VERSION]);
      else if (current !== SCHEMA_VERSION) await tx.run('UPDATE merimeet_schema SET version = ?', [SCHEMA_VERSION]);
    });
  }
}

function executor(target: pg.Pool | pg.PoolClient): SqlExecutor {
  const query = (sql: string, params?: readonly SqlValue[]) => target.query(numberPlaceholders(sql), params as SqlValue[] | undefined);
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rowCount ?? 0,
  };
}

/** The URL with its password masked, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
