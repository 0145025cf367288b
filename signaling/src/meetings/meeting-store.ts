/**
 * A host's meetings. Creating one takes two steps: reserve an id (the client
 * needs it to salt the password's KDF), then create with the verifier derived
 * from it. Reservations live only in memory, so no half-made meeting ever
 * reaches the database.
 */
import { randomInt } from 'node:crypto';
import { AppError } from '../app-error.js';
import {
  DEFAULT_MAX_PARTICIPANTS,
  MAX_MEETING_TITLE,
  MAX_PARTICIPANTS,
  MEETING_ID_ALPHABET,
  MIN_PARTICIPANTS,
} from '../protocol/index.js';
import type { SqlStore } from '../store/sql.js';

export interface MeetingRecord {
  id: string;
  ownerId: number;
  title: string | null;
  /** SHA-256 of the admission key. */
  verifier: Buffer;
  lobby: boolean;
  maxParticipants: number;
  createdAt: number;
  endedAt: number | null;
}

export interface CreateMeetingInput {
  meetingId: string;
  verifier: Buffer;
  title?: string;
  lobby?: boolean;
  maxParticipants?: number;
}

/** Enough for a host who opens "new meeting" and walks away a few times; the oldest go first. */
const MAX_RESERVATIONS_PER_OWNER = 20;
/** Beyond this many live reservations in all, new ones are refused until some expire. */
const MAX_RESERVATIONS = 100_000;
const DEFAULT_RESERVATION_TTL_MS = 10 * 60_000;
const ID_GROUPS = [3, 4, 3];

interface Reservation {
  ownerId: number;
  expiresAt: number;
}

interface MeetingRow {
  id: string;
  owner_id: number;
  title: string | null;
  verifier: Buffer;
  lobby: number;
  max_participants: number;
  created_at: number;
  ended_at: number | null;
}

export class MeetingStore {
  private readonly now: () => number;
  private readonly reservationTtlMs: number;
  /** In reservation order; with one TTL for all, that is also expiry order. */
  private readonly reservations = new Map<string, Reservation>();
  private readonly reservedBy = new Map<number, Set<string>>();

  constructor(
    private readonly db: SqlStore,
    opts: { now?: () => number; reservationTtlMs?: number } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.reservationTtlMs = opts.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  }

  async reserveId(ownerId: number): Promise<{ meetingId: string; expiresAt: number }> {
    const now = this.now();
    this.pruneReservations(now);
    const mine = this.reservedBy.get(ownerId);
    if (mine && mine.size >= MAX_RESERVATIONS_PER_OWNER) {
      // Sets keep insertion order: the first is this owner's oldest.
      this.unreserve(mine.values().next().value!);
    }
    if (this.reservations.size >= MAX_RESERVATIONS) {
      const oldest = this.reservations.values().next().value!;
      throw new AppError('rate_limited', 'too many meetings being created right now; try again shortly', oldest.expiresAt - now);
    }
    const meetingId = await this.freshId();
    // The lookup above awaited: another request of this owner may have filled its quota meanwhile.
    this.pruneReservations(this.now());
    const expiresAt = now + this.reservationTtlMs;
    this.reservations.set(meetingId, { ownerId, expiresAt });
    let set = this.reservedBy.get(ownerId);
    if (!set) this.reservedBy.set(ownerId, (set = new Set()));
    set.add(meetingId);
    return { meetingId, expiresAt };
  }

  async create(ownerId: number, input: CreateMeetingInput): Promise<MeetingRecord> {
    const now = this.now();
    const reservation = this.reservations.get(input.meetingId);
    // Same answer for "never reserved", "someone else's" and "expired": none is
    // the caller's to use, and it need not learn which.
    if (!reservation || reservation.ownerId !== ownerId || reservation.expiresAt <= now) {
      throw new AppError('not_found', 'this meeting id is not reserved for you (or the reservation expired); reserve a new one');
    }
    const record: MeetingRecord = {
      id: input.meetingId,
      ownerId,
      title: input.title ?? null,
      verifier: input.verifier,
      lobby: input.lobby ?? false,
      maxParticipants: input.maxParticipants ?? DEFAULT_MAX_PARTICIPANTS,
      createdAt: now,
      endedAt: null,
    };
    check(record);
    // Taken before the write is awaited, so the same reservation cannot create twice.
    this.unreserve(record.id);
    await this.db.run(SQL.insert, [
      record.id,
      ownerId,
      record.title,
      record.verifier,
      record.lobby ? 1 : 0,
      record.maxParticipants,
      now,
    ]);
    return record;
  }

  async get(id: string): Promise<MeetingRecord | undefined> {
    const row = await this.db.get<MeetingRow>(SQL.get, [id]);
    return row && toRecord(row);
  }

  /** Newest first. */
  async listByOwner(ownerId: number): Promise<MeetingRecord[]> {
    return (await this.db.all<MeetingRow>(SQL.byOwner, [ownerId])).map(toRecord);
  }

  async delete(ownerId: number, id: string): Promise<void> {
    const row = await this.db.get<MeetingRow>(SQL.get, [id]);
    if (!row) throw new AppError('not_found', 'no such meeting');
    if (row.owner_id !== ownerId) throw new AppError('forbidden', 'only the meeting’s owner can delete it');
    // Its removal list goes too: nobody can resume into a meeting that no longer exists.
    await this.db.transaction(async (tx) => {
      await tx.run(SQL.deleteRevocations, [id]);
      await tx.run(SQL.delete, [id]);
    });
  }

  /** Records when the meeting ended; the first end counts, later calls change nothing. */
  async markEnded(id: string): Promise<void> {
    await this.db.run(SQL.end, [this.now(), id]);
  }

  private async freshId(): Promise<string> {
    // 23^10 ≈ 4·10^13 ids: a collision is rare enough that a few tries always do.
    for (let attempt = 0; attempt < 10; attempt++) {
      const id = randomMeetingId();
      if (!this.reservations.has(id) && !(await this.db.get(SQL.get, [id]))) return id;
    }
    throw new Error('could not find a free meeting id in 10 tries');
  }

  private pruneReservations(now: number): void {
    for (const [id, r] of this.reservations) {
      if (r.expiresAt > now) break;
      this.unreserve(id);
    }
  }

  private unreserve(id: string): void {
    const r = this.reservations.get(id);
    if (!r) return;
    this.reservations.delete(id);
    const set = this.reservedBy.get(r.ownerId);
    set?.delete(id);
    if (set?.size === 0) this.reservedBy.delete(r.ownerId);
  }
}

/** `abc-defg-hjk`: crypto.randomInt draws without modulo bias. */
export function randomMeetingId(): string {
  return ID_GROUPS.map((n) =>
    Array.from({ length: n }, () => MEETING_ID_ALPHABET[randomInt(MEETING_ID_ALPHABET.length)]).join(''),
  ).join('-');
}

/** The protocol validates all of this already; checked again because the store is what persists it. */
function check(r: MeetingRecord): void {
  if (r.verifier.length !== 32) throw new AppError('bad_message', 'the verifier must be 32 bytes');
  if (r.title !== null && r.title.length > MAX_MEETING_TITLE) {
    throw new AppError('bad_message', `a title is at most ${MAX_MEETING_TITLE} characters`);
  }
  if (!Number.isInteger(r.maxParticipants) || r.maxParticipants < MIN_PARTICIPANTS || r.maxParticipants > MAX_PARTICIPANTS) {
    throw new AppError('bad_message', `maxParticipants must be ${MIN_PARTICIPANTS} to ${MAX_PARTICIPANTS}`);
  }
}

function toRecord(row: MeetingRow): MeetingRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    verifier: row.verifier,
    lobby: row.lobby !== 0,
    maxParticipants: row.max_participants,
    createdAt: row.created_at,
    endedAt: row.ended_at,
  };
}

/** In the SQL both store engines speak (store/sql.ts). */
const SQL = {
  insert: `INSERT INTO meetings (id, owner_id, title, verifier, lobby, max_participants, created_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
  get: 'SELECT id, owner_id, title, verifier, lobby, max_participants, created_at, ended_at FROM meetings WHERE id = ?',
  // rowid breaks ties of one millisecond by insertion order (PostgreSQL has a column of that name: store/migrations.ts).
  byOwner: `SELECT id, owner_id, title, verifier, lobby, max_participants, created_at, ended_at
       FROM meetings WHERE owner_id = ? ORDER BY created_at DESC, rowid DESC`,
  deleteRevocations: 'DELETE FROM revoked_peers WHERE meeting_id = ?',
  delete: 'DELETE FROM meetings WHERE id = ?',
  end: 'UPDATE meetings SET ended_at = ? WHERE id = ? AND ended_at IS NULL',
} as const;
