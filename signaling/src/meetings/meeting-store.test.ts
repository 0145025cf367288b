import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PARTICIPANTS, MEETING_ID_ALPHABET, MEETING_ID_PATTERN, type ErrorCode } from '../protocol/index.js';
import { ENGINES, useStore } from '../store/__fixtures__/engines.js';
import { isPeerRevoked, revokePeer } from '../store/server-state.js';
import { MeetingStore, randomMeetingId } from './meeting-store.js';

const TTL = 10 * 60_000;
const verifier = () => randomBytes(32);
async function code(fn: () => Promise<unknown>): Promise<ErrorCode | undefined> {
  try {
    await fn();
  } catch (err) {
    return (err as { code?: ErrorCode }).code;
  }
  return undefined;
}

describe.each(ENGINES)('meetings on %s', (engine) => {
  const db = useStore(engine);
  let clock: number;
  let store: MeetingStore;
  let alice: number;
  let bob: number;

  async function account(name: string): Promise<number> {
    const row = await db.sql.get<{ id: number }>(
      'INSERT INTO accounts (username, password_hash, created_at, password_changed_at) VALUES (?, ?, 0, 0) RETURNING id',
      [name, 'x'],
    );
    return row!.id;
  }

  beforeEach(async () => {
    clock = 1_700_000_000_000;
    store = new MeetingStore(db.sql, { now: () => clock, reservationTtlMs: TTL });
    alice = await account('alice');
    bob = await account('bob');
  });

  describe('meeting ids', async () => {
    it('look like abc-defg-hjk, are distinct over many draws, and use every letter of the alphabet', async () => {
      const ids = Array.from({ length: 5000 }, randomMeetingId);
      for (const id of ids) expect(id).toMatch(MEETING_ID_PATTERN);
      expect(new Set(ids).size).toBe(ids.length);
      const used = new Set(ids.join('').replaceAll('-', ''));
      expect([...used].sort().join('')).toBe(MEETING_ID_ALPHABET);
    });

    it('draws letters evenly (no modulo bias)', async () => {
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

    it('reserves ids that are free in the database and among live reservations', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) ids.add((await store.reserveId(alice)).meetingId);
      expect(ids.size).toBe(20);
    });
  });

  describe('reserve and create', async () => {
    it('creates a meeting from its reservation, with the documented defaults', async () => {
      const { meetingId, expiresAt } = await store.reserveId(alice);
      expect(expiresAt).toBe(clock + TTL);
      const v = verifier();
      const record = await store.create(alice, { meetingId, verifier: v });
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
      expect(await store.get(meetingId)).toEqual(record);
    });

    it('keeps title, lobby and size as given', async () => {
      const { meetingId } = await store.reserveId(alice);
      await store.create(alice, { meetingId, verifier: verifier(), title: 'Stand-up', lobby: true, maxParticipants: 4 });
      expect(await store.get(meetingId)).toMatchObject({ title: 'Stand-up', lobby: true, maxParticipants: 4 });
    });

    it('refuses an id that was never reserved', async () => {
      expect(await code(() => store.create(alice, { meetingId: 'abc-defg-hjk', verifier: verifier() }))).toBe('not_found');
    });

    it('refuses an id reserved by someone else', async () => {
      const { meetingId } = await store.reserveId(bob);
      expect(await code(() => store.create(alice, { meetingId, verifier: verifier() }))).toBe('not_found');
      // Bob's reservation is untouched by the attempt.
      expect((await store.create(bob, { meetingId, verifier: verifier() })).ownerId).toBe(bob);
    });

    it('refuses a reservation once it has expired', async () => {
      const { meetingId } = await store.reserveId(alice);
      clock += TTL;
      expect(await code(() => store.create(alice, { meetingId, verifier: verifier() }))).toBe('not_found');
      expect(await store.get(meetingId)).toBeUndefined();
    });

    it('uses a reservation once only', async () => {
      const { meetingId } = await store.reserveId(alice);
      await store.create(alice, { meetingId, verifier: verifier() });
      expect(await code(() => store.create(alice, { meetingId, verifier: verifier() }))).toBe('not_found');
    });

    it('refuses a verifier that is not 32 bytes, or a size out of range, and keeps the reservation', async () => {
      const { meetingId } = await store.reserveId(alice);
      expect(await code(() => store.create(alice, { meetingId, verifier: Buffer.alloc(16) }))).toBe('bad_message');
      expect(await code(() => store.create(alice, { meetingId, verifier: verifier(), maxParticipants: 1 }))).toBe('bad_message');
      expect(await code(() => store.create(alice, { meetingId, verifier: verifier(), maxParticipants: 1000 }))).toBe('bad_message');
      expect((await store.create(alice, { meetingId, verifier: verifier() })).id).toBe(meetingId);
    });

    it('keeps at most 20 reservations per owner, dropping the oldest', async () => {
      const first = (await store.reserveId(alice)).meetingId;
      const second = (await store.reserveId(alice)).meetingId;
      for (let i = 0; i < 19; i++) await store.reserveId(alice);
      expect(await code(() => store.create(alice, { meetingId: first, verifier: verifier() }))).toBe('not_found');
      expect((await store.create(alice, { meetingId: second, verifier: verifier() })).id).toBe(second);
      // Another owner's reservations are not affected by Alice's.
      const bobs = (await store.reserveId(bob)).meetingId;
      for (let i = 0; i < 25; i++) await store.reserveId(alice);
      expect((await store.create(bob, { meetingId: bobs, verifier: verifier() })).ownerId).toBe(bob);
    });
  });

  describe('list, delete, end', async () => {
    async function make(owner: number, title?: string) {
      const { meetingId } = await store.reserveId(owner);
      clock += 1;
      return store.create(owner, { meetingId, verifier: verifier(), title });
    }

    it('lists only the owner’s meetings, newest first', async () => {
      const a1 = await make(alice, 'one');
      await make(bob, 'bob’s');
      const a2 = await make(alice, 'two');
      expect((await store.listByOwner(alice)).map((m) => m.id)).toEqual([a2.id, a1.id]);
      expect((await store.listByOwner(bob)).map((m) => m.title)).toEqual(['bob’s']);
      expect(await store.listByOwner(9999)).toEqual([]);
    });

    it('lets the owner delete a meeting, and forgets its removed participants', async () => {
      const m = await make(alice);
      await revokePeer(db.sql, m.id, '0123456789abcdef', clock + 60_000);
      await store.delete(alice, m.id);
      expect(await store.get(m.id)).toBeUndefined();
      expect(await isPeerRevoked(db.sql, m.id, '0123456789abcdef', clock)).toBe(false);
    });

    it('refuses to delete a missing meeting (not_found) or another owner’s (forbidden)', async () => {
      const m = await make(alice);
      expect(await code(() => store.delete(alice, 'abc-defg-hjk'))).toBe('not_found');
      expect(await code(() => store.delete(bob, m.id))).toBe('forbidden');
      expect(await store.get(m.id)).toBeDefined();
    });

    it('records the first end only', async () => {
      const m = await make(alice);
      clock += 1000;
      await store.markEnded(m.id);
      const endedAt = clock;
      clock += 1000;
      await store.markEnded(m.id);
      expect((await store.get(m.id))!.endedAt).toBe(endedAt);
      await store.markEnded('abc-defg-hjk'); // unknown: nothing to do, no error
    });

    it('keeps meetings across a restart', async () => {
      const m = await make(alice, 'kept');
      const again = new MeetingStore(await db.reopen());
      expect(await again.get(m.id)).toEqual(m);
      expect(await again.listByOwner(alice)).toEqual([m]);
    });
  });
});
