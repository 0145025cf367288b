/**
 * Which instance of a cluster is home to each live meeting: the one that holds
 * its authoritative Room (rooms/room.ts, unchanged from a single server). The
 * others forward their clients' frames there (connection/edge-proxy.ts), so
 * docs/protocol.md's guarantees are those of one Room in one process.
 *
 * A home is a row in the shared store with a lease. The first instance to
 * need a meeting claims it; the home renews its leases while the room lives
 * and gives the row up when the room empties. An instance that dies stops
 * renewing, and once the lease lapses the next instance to touch the meeting
 * (a member resuming there) claims it and rebuilds the room from resume tokens.
 */
import type { SqlStore } from '../store/sql.js';

/**
 * How long a claim holds without renewal. The home renews every third of it,
 * so two missed renewals (a store hiccup) do not lose the meeting; a dead
 * home's meetings are free again within this long, well inside the 30 s grace.
 */
export const LEASE_MS = 6_000;

const SQL = {
  holder: 'SELECT instance_id, lease_until FROM room_homes WHERE meeting_id = ?',
  // Take the row if it is free, lapsed, ours, or held by the instance we know is dead; RETURNING says whether we did.
  claim: `INSERT INTO room_homes (meeting_id, instance_id, lease_until) VALUES (?, ?, ?)
          ON CONFLICT (meeting_id) DO UPDATE SET instance_id = excluded.instance_id, lease_until = excluded.lease_until
          WHERE room_homes.lease_until < ? OR room_homes.instance_id = excluded.instance_id OR room_homes.instance_id = ?
          RETURNING instance_id`,
  renew: 'UPDATE room_homes SET lease_until = ? WHERE meeting_id = ? AND instance_id = ?',
  release: 'DELETE FROM room_homes WHERE meeting_id = ? AND instance_id = ?',
  abandon: 'UPDATE room_homes SET lease_until = 0 WHERE meeting_id = ? AND instance_id = ?',
};

export class RoomHomes {
  /** Meetings this instance took over from a home that died, and when: their members may rebuild them by resuming. */
  private readonly takenOver = new Map<string, number>();

  constructor(
    private readonly db: SqlStore,
    /** This instance's id (the cluster bus's). */
    readonly self: string,
    private readonly isDead: (instance: string) => boolean,
  ) {}

  /** The meeting's home: the live instance holding it, else this one (claimed now). */
  async homeOf(meetingId: string, now = Date.now()): Promise<string> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const held = await this.db.get<{ instance_id: string; lease_until: number }>(SQL.holder, [meetingId]);
      const other = held !== undefined && held.instance_id !== this.self ? held.instance_id : null;
      if (other !== null && held!.lease_until >= now && !this.isDead(other)) return other;
      const claimed = await this.db.get<{ instance_id: string }>(SQL.claim, [meetingId, this.self, now + LEASE_MS, now, other ?? this.self]);
      if (claimed) {
        if (other !== null) this.takenOver.set(meetingId, now);
        return this.self;
      }
      // Someone else claimed it between the two statements: look again.
    }
    throw new Error(`could not settle the home of meeting ${meetingId}`);
  }

  /** When this instance took the meeting over from a dead home (undefined if it did not). */
  takenOverAt(meetingId: string): number | undefined {
    return this.takenOver.get(meetingId);
  }

  /** Extends this instance's leases on the meetings it still holds rooms for. */
  async renew(meetingIds: Iterable<string>, now = Date.now()): Promise<void> {
    for (const id of meetingIds) await this.db.run(SQL.renew, [now + LEASE_MS, id, this.self]);
  }

  /**
   * A draining instance's leases lapse now: the next instance its members
   * resume on takes each meeting over (and may rebuild it from their tokens).
   */
  async abandon(meetingIds: Iterable<string>): Promise<void> {
    for (const id of meetingIds) await this.db.run(SQL.abandon, [id, this.self]);
  }

  async release(meetingId: string): Promise<void> {
    this.takenOver.delete(meetingId);
    await this.db.run(SQL.release, [meetingId, this.self]);
  }
}
