/** Who is home to a meeting: claims, leases, take-over from the dead (SQLite here; the cluster suite runs it on PostgreSQL). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.js';
import { SqliteSql } from '../store/sqlite-sql.js';
import { LEASE_MS, RoomHomes } from './room-homes.js';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
let dir: string;
let sql: SqliteSql;
let dead: Set<string>;
const homes = (self: string) => new RoomHomes(sql, self, (id) => dead.has(id));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'merimeet-homes-'));
  sql = new SqliteSql(openDatabase(dir));
  dead = new Set();
});
afterEach(async () => {
  await sql.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('room homes', () => {
  it('the first to ask claims a meeting; the others are sent to it while its lease holds', async () => {
    const now = 1_000_000;
    expect(await homes(A).homeOf('m1', now)).toBe(A);
    expect(await homes(B).homeOf('m1', now + 1)).toBe(A);
    expect(await homes(A).homeOf('m1', now + 2)).toBe(A);
    expect(homes(B).takenOverAt('m1')).toBeUndefined();
  });

  it('a lapsed lease, or a holder known dead, is taken over, and the take-over is remembered', async () => {
    const now = 1_000_000;
    await homes(A).homeOf('m1', now);
    const b = homes(B);
    expect(await b.homeOf('m1', now + LEASE_MS + 1)).toBe(B);
    expect(b.takenOverAt('m1')).toBe(now + LEASE_MS + 1);
    await homes(A).homeOf('m2', now);
    dead.add(A);
    expect(await b.homeOf('m2', now + 1)).toBe(B);
    expect(b.takenOverAt('m2')).toBe(now + 1);
  });

  it('renewal keeps the lease; release frees the meeting for anyone, with no take-over; abandon lets it be taken at once', async () => {
    const now = 1_000_000;
    const a = homes(A);
    await a.homeOf('m1', now);
    await a.renew(['m1'], now + LEASE_MS);
    expect(await homes(B).homeOf('m1', now + LEASE_MS + 1)).toBe(A);
    await a.release('m1');
    const b = homes(B);
    expect(await b.homeOf('m1', now + LEASE_MS + 2)).toBe(B);
    expect(b.takenOverAt('m1')).toBeUndefined();
    await b.abandon(['m1']);
    const a2 = homes(A);
    expect(await a2.homeOf('m1', now + LEASE_MS + 3)).toBe(A);
    expect(a2.takenOverAt('m1')).toBe(now + LEASE_MS + 3);
  });
});
