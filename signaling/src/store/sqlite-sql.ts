/**
 * The store interface over the embedded SQLite database (better-sqlite3).
 *
 * better-sqlite3 is synchronous, so every statement finishes before the call
 * returns. A transaction whose work awaits, though, would let statements from
 * other requests run on the same connection in between, inside it. So while a
 * transaction is open every other statement waits for it to end.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import type { SqlExecutor, SqlStore, SqlValue } from './sql.js';

/** Distinct statements the server uses are a few dozen; this only bounds a mistake. */
const MAX_CACHED_STATEMENTS = 500;

export class SqliteSql implements SqlStore {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  /** Settles when the open transaction (if any) has committed or rolled back. */
  private openTransaction: Promise<void> | null = null;
  private readonly direct: SqlExecutor;

  constructor(readonly db: Db) {
    this.direct = {
      dialect: 'sqlite',
      all: (sql, params) => Promise.resolve(this.prepare(sql).all(...(params ?? [])) as never[]),
      get: (sql, params) => Promise.resolve(this.prepare(sql).get(...(params ?? [])) as never),
      run: (sql, params) => Promise.resolve(this.prepare(sql).run(...(params ?? [])).changes),
    };
  }

  async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    // Inline, with no await between the check and the statement: a transaction could begin in that gap.
    while (this.openTransaction) await this.openTransaction;
    return this.direct.all<T>(sql, params);
  }

  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    // Inline, with no await between the check and the statement: a transaction could begin in that gap.
    while (this.openTransaction) await this.openTransaction;
    return this.direct.get<T>(sql, params);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    // Inline, with no await between the check and the statement: a transaction could begin in that gap.
    while (this.openTransaction) await this.openTransaction;
    return this.direct.run(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    while (this.openTransaction) await this.openTransaction;
    let done!: () => void;
    this.openTransaction = new Promise<void>((resolve) => (done = resolve));
    try {
      // IMMEDIATE takes the write lock now, so a concurrent writer (a backup, another process) cannot deadlock us later.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.direct);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.openTransaction = null;
      done();
    }
  }

  ping(): Promise<void> {
    // The file is ours and local: if the handle is open, the database answers.
    return this.db.open ? Promise.resolve() : Promise.reject(new Error('the SQLite database is closed'));
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
