/**
 * The store interface: what the server's services (accounts, meetings,
 * server-state) need from a SQL database, and nothing more. Two engines
 * implement it: SQLite (sqlite-sql.ts, the embedded default) and PostgreSQL
 * (postgres-sql.ts, for several instances sharing one database).
 *
 * Statements are written once, in the SQL both engines understand, with `?`
 * placeholders (the PostgreSQL side numbers them). So a statement must not
 * contain a `?` of its own (in a string literal, say): none of ours do, and
 * values always travel as parameters.
 */
export type SqlValue = string | number | Buffer | null;

export type Dialect = 'sqlite' | 'postgres';

export interface SqlExecutor {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement that returns no rows; resolves to how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlStore extends SqlExecutor {
  /** Runs `work` in one transaction: it all commits, or (if `work` throws) none of it does. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Resolves when the database answers; rejects (with the cause) when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A unique constraint refused the write (a username taken meanwhile), in either engine. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** `?, ?, ?` → `$1, $2, $3`, for PostgreSQL. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
