// Child process for database.test.ts's crash test: opens the database the way
// the server does (pragmas passed in by the parent, from PRAGMAS), then commits
// one account per transaction and prints each id only AFTER its commit has
// returned. The parent kills it with SIGKILL partway through and checks that
// every printed id survived.
//
// Plain JavaScript so it runs under bare `node` (no TypeScript loader to start).
import { writeSync } from 'node:fs';
import Database from 'better-sqlite3';

const [file, pragmasJson] = process.argv.slice(2);
const db = new Database(file);
for (const pragma of JSON.parse(pragmasJson)) db.pragma(pragma);

const insert = db.prepare(
  'INSERT INTO accounts (username, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?)',
);
for (let i = 0; ; i++) {
  const now = Date.now();
  // A transaction of two writes, so a kill can land between them.
  const id = db.transaction(() => {
    const { lastInsertRowid } = insert.run(`crash-${i}`, 'x', now, now);
    db.prepare('INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
      Buffer.from(`token-${i}`),
      lastInsertRowid,
      now,
      now + 60_000,
    );
    return lastInsertRowid;
  }).immediate();
  // writeSync: the line is in the pipe before the next commit starts.
  writeSync(1, `${id}\n`);
}
