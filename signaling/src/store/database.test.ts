import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, PRAGMAS, openDatabase, type Db } from './database.js';
import { SCHEMA_VERSION } from './migrations.js';

let dir: string;
const open: Db[] = [];
function reopen(): Db {
  const db = openDatabase(dir);
  open.push(db);
  return db;
}
function closeAll(): void {
  for (const db of open.splice(0)) if (db.open) db.close();
}

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'merimeet-db-')), 'data');
});
afterEach(() => {
  closeAll();
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

function addAccount(db: Db, username: string): number {
  const { lastInsertRowid } = db
    .prepare('INSERT INTO accounts (username, password_hash, created_at, password_changed_at) VALUES (?, ?, 1, 1)')
    .run(username, 'hash');
  return Number(lastInsertRowid);
}

describe('openDatabase', () => {
  it('creates the data directory private to its owner', () => {
    reopen();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('brings a new database to the current schema version', () => {
    const db = reopen();
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['accounts', 'meetings', 'revoked_peers', 'room_homes', 'server_secrets', 'sessions']);
  });

  it('runs each migration once: reopening changes nothing and keeps the data', () => {
    const db = reopen();
    addAccount(db, 'alice');
    const schema = db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all();
    db.close();
    // A second run of v1's CREATE TABLE would throw "table already exists".
    const again = reopen();
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(again.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all()).toEqual(schema);
    expect(again.prepare('SELECT username FROM accounts').pluck().all()).toEqual(['alice']);
  });

  it('refuses a database written by a newer schema, and leaves it untouched', () => {
    reopen().close();
    const raw = new Database(join(dir, DATABASE_FILE));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(dir)).toThrow(`schema version ${SCHEMA_VERSION + 1}, but this server only knows up to ${SCHEMA_VERSION}`);
    const check = new Database(join(dir, DATABASE_FILE));
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('turns on WAL, full sync, foreign keys and a busy timeout', () => {
    const db = reopen();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('enforces foreign keys: deleting an account deletes its sessions and meetings', () => {
    const db = reopen();
    const id = addAccount(db, 'alice');
    db.prepare('INSERT INTO sessions VALUES (?, ?, 1, ?)').run(Buffer.alloc(32), id, Date.now() + 60_000);
    db.prepare('INSERT INTO meetings VALUES (?, ?, NULL, ?, 0, 8, 1, NULL)').run('abc-defg-hjk', id, Buffer.alloc(32));
    expect(() => db.prepare('INSERT INTO sessions VALUES (?, 999, 1, 2)').run(Buffer.alloc(32, 1))).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM accounts WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM meetings').pluck().get()).toBe(0);
  });

  it('prunes expired sessions and revocations when it opens', () => {
    const db = reopen();
    const id = addAccount(db, 'alice');
    const now = Date.now();
    db.prepare('INSERT INTO sessions VALUES (?, ?, 1, ?)').run(Buffer.alloc(32, 1), id, now - 1);
    db.prepare('INSERT INTO sessions VALUES (?, ?, 1, ?)').run(Buffer.alloc(32, 2), id, now + 3600_000);
    const revoke = db.prepare('INSERT INTO revoked_peers (meeting_id, peer_id, expires_at) VALUES (?, ?, ?)');
    revoke.run('abc-defg-hjk', 'old', now - 1);
    revoke.run('abc-defg-hjk', 'new', now + 3600_000);
    db.close();
    const again = reopen();
    expect(again.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    expect(again.prepare('SELECT peer_id FROM revoked_peers').pluck().all()).toEqual(['new']);
  });
});

describe('durability', () => {
  it('keeps every commit a process reported when that process is killed with SIGKILL', async () => {
    reopen().close(); // schema in place; the child only writes rows
    const fixture = fileURLToPath(new URL('./__fixtures__/commit-loop.mjs', import.meta.url));
    const child = spawn(process.execPath, [fixture, join(dir, DATABASE_FILE), JSON.stringify(PRAGMAS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed: number[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let pending = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) committed.push(Number(line));
      // Kill it mid-loop, after enough commits that some are surely still in the WAL only.
      if (committed.length >= 300 && child.exitCode === null) child.kill('SIGKILL');
    });
    const signal = await exited;
    expect(stderr).toBe('');
    expect(signal).toBe('SIGKILL');
    expect(committed.length).toBeGreaterThanOrEqual(300);

    const db = reopen();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const present = new Set(db.prepare('SELECT id FROM accounts').pluck().all() as number[]);
    const missing = committed.filter((id) => !present.has(id));
    expect(missing).toEqual([]);
    // Each transaction wrote both rows or neither.
    expect(db.prepare('SELECT count(*) FROM accounts a LEFT JOIN sessions s ON s.account_id = a.id WHERE s.account_id IS NULL').pluck().get()).toBe(0);
  }, 30_000);
});
