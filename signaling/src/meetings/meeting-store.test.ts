import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PARTICIPANTS, MEETING_ID_ALPHABET, MEETING_ID_PATTERN, type ErrorCode } from '../protocol/index.js';
import { isPeerRevoked, openDatabase, revokePeer, type Db } from '../store/database.js';
import { MeetingStore, randomMeetingId } from './meeting-store.js';

const TTL = 10 * 60_000;
let dir: string;
let db: Db;
let clock: number;
let store: MeetingStore;
let alice: number;
let bob: number;

function account(name: string): number {
  return Number(
    db.prepare('INSERT INTO accounts (username, password_hash, created_at, password_changed_at) VALUES (?, ?, 0, 0)').run(name, 'x')
      .lastInsertRowid,
  );
}
const verifier = () => randomBytes(32);
function code(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: ErrorCode }).code;
  }
  return undefined;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'merimeet-meetings-'));
  db = openDatabase(dir);
  clock = 1_700_000_000_000;
  store = new MeetingStore(db, { now: () => clock, reservationTtlMs: TTL });
  alice = account('alice');
  bob = account('bob');
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('meeting ids', () => {
  it('look like abc-defg-hjk, are distinct over many draws, and use every letter of the alphabet', () => {
    const ids = Array.from({ length: 5000 }, randomMeetingId);
    for (const id of ids) expect(id).toMatch(MEETING_ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
    const used = new Set(ids.join('').replaceAll('-', ''));
    expect([...used].sort().join('')).toBe(MEETING_ID_ALPHABET);
  });

  it('draws letters evenly (no modulo bias)', () => {
    const draws = 20_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < draws; i++) for (const c of randomMeetingId().replaceAll('-', '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    const expected = (draws * 10) / MEETING_ID_ALPHABET.length;
    // Chi-squared, 22 degrees of freedom: a fair draw stays below 70 with probability ~1 - 10^-6.
    // `randomByte % 23` (3 letters 9% likelier) would score ~200 at this sample size.
    let chi2 = 0;
    for (const c of MEETING_ID_ALPHABET) chi2 += ((counts.get(c) ?? 0) - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(70);
  });

  it('reserves ids that are free in the database and among live reservations', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add(store.reserveId(alice).meetingId);
    expect(ids.size).toBe(20);
  });
});

describe('reserve and create', () => {
  it('creates a meeting from its reservation, with the documented defaults', () => {
    const { meetingId, expiresAt } = store.reserveId(alice);
    expect(expiresAt).toBe(clock + TTL);
    const v = verifier();
    const record = store.create(alice, { meetingId, verifier: v });
    expect(record).toEqual({
      id: meetingId,
      ownerId: alice,
      title: null,
      verifier: v,
      lobby: false,
      maxParticipants: DEFAULT_MAX_PARTICIPANTS,
      createdAt: clock,
      endedAt: null,
    });
    expect(store.get(meetingId)).toEqual(record);
  });

  it('keeps title, lobby and size as given', () => {
    const { meetingId } = store.reserveId(alice);
    store.create(alice, { meetingId, verifier: verifier(), title: 'Stand-up', lobby: true, maxParticipants: 4 });
    expect(store.get(meetingId)).toMatchObject({ title: 'Stand-up', lobby: true, maxParticipants: 4 });
  });

  it('refuses an id that was never reserved', () => {
    expect(code(() => store.create(alice, { meetingId: 'abc-defg-hjk', verifier: verifier() }))).toBe('not_found');
  });

  it('refuses an id reserved by someone else', () => {
    const { meetingId } = store.reserveId(bob);
    expect(code(() => store.create(alice, { meetingId, verifier: verifier() }))).toBe('not_found');
    // Bob's reservation is untouched by the attempt.
    expect(store.create(bob, { meetingId, verifier: verifier() }).ownerId).toBe(bob);
  });

  it('refuses a reservation once it has expired', () => {
    const { meetingId } = store.reserveId(alice);
    clock += TTL;
    expect(code(() => store.create(alice, { meetingId, verifier: verifier() }))).toBe('not_found');
    expect(store.get(meetingId)).toBeUndefined();
  });

  it('uses a reservation once only', () => {
    const { meetingId } = store.reserveId(alice);
    store.create(alice, { meetingId, verifier: verifier() });
    expect(code(() => store.create(alice, { meetingId, verifier: verifier() }))).toBe('not_found');
  });

  it('refuses a verifier that is not 32 bytes, or a size out of range, and keeps the reservation', () => {
    const { meetingId } = store.reserveId(alice);
    expect(code(() => store.create(alice, { meetingId, verifier: Buffer.alloc(16) }))).toBe('bad_message');
    expect(code(() => store.create(alice, { meetingId, verifier: verifier(), maxParticipants: 1 }))).toBe('bad_message');
    expect(code(() => store.create(alice, { meetingId, verifier: verifier(), maxParticipants: 1000 }))).toBe('bad_message');
    expect(store.create(alice, { meetingId, verifier: verifier() }).id).toBe(meetingId);
  });

  it('keeps at most 20 reservations per owner, dropping the oldest', () => {
    const first = store.reserveId(alice).meetingId;
    const second = store.reserveId(alice).meetingId;
    for (let i = 0; i < 19; i++) store.reserveId(alice);
    expect(code(() => store.create(alice, { meetingId: first, verifier: verifier() }))).toBe('not_found');
    expect(store.create(alice, { meetingId: second, verifier: verifier() }).id).toBe(second);
    // Another owner's reservations are not affected by Alice's.
    const bobs = store.reserveId(bob).meetingId;
    for (let i = 0; i < 25; i++) store.reserveId(alice);
    expect(store.create(bob, { meetingId: bobs, verifier: verifier() }).ownerId).toBe(bob);
  });
});

describe('list, delete, end', () => {
  function make(owner: number, title?: string) {
    const { meetingId } = store.reserveId(owner);
    clock += 1;
    return store.create(owner, { meetingId, verifier: verifier(), title });
  }

  it('lists only the owner’s meetings, newest first', () => {
    const a1 = make(alice, 'one');
    make(bob, 'bob’s');
    const a2 = make(alice, 'two');
    expect(store.listByOwner(alice).map((m) => m.id)).toEqual([a2.id, a1.id]);
    expect(store.listByOwner(bob).map((m) => m.title)).toEqual(['bob’s']);
    expect(store.listByOwner(9999)).toEqual([]);
  });

  it('lets the owner delete a meeting, and forgets its removed participants', () => {
    const m = make(alice);
    revokePeer(db, m.id, '0123456789abcdef', clock + 60_000);
    store.delete(alice, m.id);
    expect(store.get(m.id)).toBeUndefined();
    expect(isPeerRevoked(db, m.id, '0123456789abcdef', clock)).toBe(false);
  });

  it('refuses to delete a missing meeting (not_found) or another owner’s (forbidden)', () => {
    const m = make(alice);
    expect(code(() => store.delete(alice, 'abc-defg-hjk'))).toBe('not_found');
    expect(code(() => store.delete(bob, m.id))).toBe('forbidden');
    expect(store.get(m.id)).toBeDefined();
  });

  it('records the first end only', () => {
    const m = make(alice);
    clock += 1000;
    store.markEnded(m.id);
    const endedAt = clock;
    clock += 1000;
    store.markEnded(m.id);
    expect(store.get(m.id)!.endedAt).toBe(endedAt);
    store.markEnded('abc-defg-hjk'); // unknown: nothing to do, no error
  });

  it('keeps meetings across a restart', () => {
    const m = make(alice, 'kept');
    db.close();
    db = openDatabase(dir);
    const again = new MeetingStore(db);
    expect(again.get(m.id)).toEqual(m);
    expect(again.listByOwner(alice)).toEqual([m]);
  });
});
