/**
 * The server's one SQLite database: accounts, sessions, meetings, secrets.
 * Opened once per process; every write is durable when the call returns.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Db = Database.Database;

export const DATABASE_FILE = 'merimeet.sqlite3';

/**
 * Applied on every open, in this order. Exported so the crash test's child
 * process opens the file exactly as the server does.
 * - WAL: readers never block the writer, and a torn write cannot corrupt the file.
 * - synchronous=FULL: in WAL mode NORMAL may lose the last commits on power
 *   loss; FULL syncs the WAL at every commit, so an acknowledged write survives
 *   kill -9 and power loss alike. Our write rate (log-ins, meetings) is tiny.
 * - foreign_keys: SQLite leaves them off unless asked, per connection.
 * - busy_timeout: a second process (e.g. a backup) holding a lock briefly
 *   makes us wait instead of failing.
 */
export const PRAGMAS: readonly string[] = [
  'journal_mode = WAL',
  'synchronous = FULL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
];

export function openDatabase(dataDir: string): Db {
  // 0o700: the database holds password hashes and the resume-token secret.
  // (mode only applies to directories this call creates.)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, DATABASE_FILE));
  try {
    for (const pragma of PRAGMAS) db.pragma(pragma);
    const mode = db.pragma('journal_mode', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch ${DATABASE_FILE} to WAL mode (got ${String(mode)})`);
    migrate(db);
    pruneExpired(db, Date.now());
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    // A newer server has written a schema we cannot read safely; writing to it
    // could destroy data the newer version depends on.
    throw new Error(
      `${DATABASE_FILE} has schema version ${current}, but this server only knows up to ${SCHEMA_VERSION}; ` +
        'run a newer meriMeet server (or restore a backup made with this version)',
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version]!;
    // user_version lives in the file header, so it commits or rolls back with the step.
    db.transaction(() => {
      db.exec(step.sqlite);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

function pruneExpired(db: Db, now: number): void {
  db.prepare('DELETE FROM revoked_peers WHERE expires_at <= ?').run(now);
  db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
}
