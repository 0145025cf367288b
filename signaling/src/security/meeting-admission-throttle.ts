/**
 * The per-meeting half of the admission throttle, built so that it slows a
 * guesser spread over many addresses without letting one attacker slow
 * everyone else's joins.
 *
 * The old per-meeting counter counted every wrong key for a meeting, from
 * anyone: one address failing 11 times made every joiner of that meeting, from
 * anywhere, wait (up to a minute, again and again). That was a denial of
 * service anyone with the meeting id could run.
 *
 * What stops guessing is the per-address back-off (up to 15 minutes between
 * guesses after 10 free ones) against a password of at least 57 bits. The
 * per-meeting back-off is only for a guesser who spreads over many addresses,
 * so here it engages only once wrong keys for the meeting came from at least
 * DISTINCT_ADDRESSES_TO_ENGAGE different addresses (IPv6 counted per /64, see
 * client-address.ts) within the policy's memory. One attacker, or a handful,
 * then only ever slows itself. Even when it does engage, an address that has
 * already got into this meeting with the right key is let through: it knows
 * the key, so letting it in tells a guesser nothing (no oracle), and the
 * people already in a meeting can rejoin it during an attack.
 *
 * Memory is bounded: a few addresses per meeting, a bounded admitted set, and
 * at most maxMeetings meetings (least recently touched dropped first).
 */
import { BackoffThrottle, type BackoffPolicy } from './backoff-throttle.js';

/** Distinct failing addresses for one meeting before its own back-off starts counting. */
export const DISTINCT_ADDRESSES_TO_ENGAGE = 4;
/** Addresses remembered as having got in, per meeting (a meeting holds at most a few dozen people). */
const MAX_ADMITTED_PER_MEETING = 256;

interface MeetingState {
  /** Failing address → time of its last failure. */
  failing: Map<string, number>;
  admitted: Set<string>;
}

export class MeetingAdmissionThrottle {
  private readonly backoff: BackoffThrottle;
  private readonly meetings = new Map<string, MeetingState>();
  private readonly maxMeetings: number;
  private readonly now: () => number;

  constructor(
    private readonly policy: BackoffPolicy,
    opts: { maxMeetings?: number; now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.maxMeetings = opts.maxMeetings ?? 100_000;
    this.backoff = new BackoffThrottle(policy, { maxKeys: this.maxMeetings, now: this.now });
  }

  /** Milliseconds this address must wait before trying this meeting; 0 means now. */
  retryAfter(meetingId: string, address: string): number {
    if (this.meetings.get(meetingId)?.admitted.has(address)) return 0;
    return this.backoff.retryAfter(meetingId);
  }

  /** A wrong key (or unknown id) for this meeting from this address. */
  failure(meetingId: string, address: string): void {
    const state = this.touch(meetingId);
    const now = this.now();
    for (const [a, at] of state.failing) if (now - at >= this.policy.forgetAfterMs) state.failing.delete(a);
    state.failing.delete(address);
    state.failing.set(address, now);
    // Knowing "enough" is all that matters, so only that many addresses are kept.
    while (state.failing.size > DISTINCT_ADDRESSES_TO_ENGAGE) state.failing.delete(state.failing.keys().next().value!);
    if (state.failing.size >= DISTINCT_ADDRESSES_TO_ENGAGE) this.backoff.failure(meetingId);
  }

  /** The right key from this address: it may pass this meeting's back-off from now on. */
  admitted(meetingId: string, address: string): void {
    const { admitted } = this.touch(meetingId);
    admitted.delete(address);
    admitted.add(address);
    if (admitted.size > MAX_ADMITTED_PER_MEETING) admitted.delete(admitted.values().next().value!);
  }

  private touch(meetingId: string): MeetingState {
    let state = this.meetings.get(meetingId);
    if (state) this.meetings.delete(meetingId);
    else state = { failing: new Map(), admitted: new Set() };
    this.meetings.set(meetingId, state);
    if (this.meetings.size > this.maxMeetings) this.meetings.delete(this.meetings.keys().next().value!);
    return state;
  }
}
