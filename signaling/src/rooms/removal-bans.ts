/**
 * Who the host removed from a meeting, so they cannot silently come back.
 *
 * Removal used to revoke only the removed peer id (its resume token); the
 * same person could join again at once with the meeting key, as a new peer.
 * Now a removed participant's account (if logged in) and client address
 * (IPv6 per /64) are remembered for the meeting, and a join that matches
 * either goes to the lobby, even in a meeting without one, where the host
 * decides: admitting them from the lobby lifts the ban. The address is
 * banned for account holders too, or logging out and joining as a guest would
 * walk around it; others behind the same address (an office NAT) are not
 * turned away either, only made to wait in the lobby.
 *
 * Kept per meeting for the meeting's lifetime (bounded by BAN_MEMORY_MS, a
 * day, and by MAX_MEETINGS), in memory: a restart forgets it, while the
 * removed peer's resume token stays refused across restarts (revoked_peers).
 * Kept apart from the room, because the room is dropped when it empties and
 * the meeting goes on.
 */
import type { Member } from './member.js';

const BAN_MEMORY_MS = 24 * 3600_000;
const MAX_MEETINGS = 10_000;
/** Removals remembered per meeting; a host removing more than this is clearing a raid, and the oldest go first. */
const MAX_PER_MEETING = 256;

interface Bans {
  accounts: Set<number>;
  addresses: Set<string>;
  until: number;
}

export class RemovalBans {
  private readonly meetings = new Map<string, Bans>();

  constructor(private readonly now: () => number = Date.now) {}

  ban(meetingId: string, member: Pick<Member, 'accountId' | 'address'>): void {
    const bans = this.live(meetingId) ?? { accounts: new Set<number>(), addresses: new Set<string>(), until: 0 };
    bans.until = this.now() + BAN_MEMORY_MS;
    if (member.accountId !== null) bounded(bans.accounts, member.accountId);
    bounded(bans.addresses, member.address);
    this.meetings.delete(meetingId);
    this.meetings.set(meetingId, bans);
    if (this.meetings.size > MAX_MEETINGS) this.meetings.delete(this.meetings.keys().next().value!);
  }

  isBanned(meetingId: string, who: Pick<Member, 'accountId' | 'address'>): boolean {
    const bans = this.live(meetingId);
    if (!bans) return false;
    return (who.accountId !== null && bans.accounts.has(who.accountId)) || bans.addresses.has(who.address);
  }

  /** The host let this person in from the lobby: they are welcome again. */
  lift(meetingId: string, who: Pick<Member, 'accountId' | 'address'>): void {
    const bans = this.live(meetingId);
    if (!bans) return;
    if (who.accountId !== null) bans.accounts.delete(who.accountId);
    bans.addresses.delete(who.address);
  }

  private live(meetingId: string): Bans | undefined {
    const bans = this.meetings.get(meetingId);
    if (bans && bans.until <= this.now()) {
      this.meetings.delete(meetingId);
      return undefined;
    }
    return bans;
  }
}

function bounded<T>(set: Set<T>, value: T): void {
  set.delete(value);
  set.add(value);
  if (set.size > MAX_PER_MEETING) set.delete(set.values().next().value!);
}
