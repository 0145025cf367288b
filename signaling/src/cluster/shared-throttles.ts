/**
 * Throttles and removal bans that every instance of a cluster shares, so an
 * attacker gains nothing by spreading guesses (or a removed participant their
 * way back) over instances. Each instance keeps its own copy, as a single
 * server does; every change made here is also published on the cluster bus
 * and applied by the others on arrival (milliseconds later on a LAN).
 *
 * The copies converge on the same counts, not the same instant: a guesser
 * racing all instances within those milliseconds gains a handful of guesses
 * at most, against a password of at least 57 bits.
 */
import type { Member } from '../rooms/member.js';
import { RemovalBans } from '../rooms/removal-bans.js';
import { BackoffThrottle, type BackoffPolicy } from '../security/backoff-throttle.js';
import { MeetingAdmissionThrottle } from '../security/meeting-admission-throttle.js';
import type { ClusterBus, ClusterEvent } from './cluster-bus.js';

const TOPIC = 'throttles';

type Who = Pick<Member, 'accountId' | 'address'>;

/** A back-off per key (an account, an address) whose failures and successes every instance sees. */
export class SharedBackoffThrottle extends BackoffThrottle {
  constructor(
    private readonly bus: ClusterBus,
    private readonly kind: string,
    policy: BackoffPolicy,
  ) {
    super(policy);
    bus.subscribe(TOPIC, (event) => {
      if (event.kind !== kind || typeof event.args[0] !== 'string') return;
      if (event.op === 'failure') super.failure(event.args[0]);
      else if (event.op === 'success') super.success(event.args[0]);
    });
  }

  override failure(key: string): number {
    const wait = super.failure(key);
    this.bus.publish(TOPIC, { kind: this.kind, op: 'failure', args: [key] });
    return wait;
  }

  override success(key: string): void {
    super.success(key);
    this.bus.publish(TOPIC, { kind: this.kind, op: 'success', args: [key] });
  }
}

/** The per-meeting admission back-off, shared. */
export class SharedAdmissionThrottle extends MeetingAdmissionThrottle {
  private static readonly KIND = 'admissionPerMeeting';

  constructor(
    private readonly bus: ClusterBus,
    policy: BackoffPolicy,
  ) {
    super(policy);
    bus.subscribe(TOPIC, (event) => {
      const [meetingId, address] = event.args;
      if (event.kind !== SharedAdmissionThrottle.KIND || typeof meetingId !== 'string' || typeof address !== 'string') return;
      if (event.op === 'failure') super.failure(meetingId, address);
      else if (event.op === 'admitted') super.admitted(meetingId, address);
    });
  }

  override failure(meetingId: string, address: string): void {
    super.failure(meetingId, address);
    this.bus.publish(TOPIC, { kind: SharedAdmissionThrottle.KIND, op: 'failure', args: [meetingId, address] });
  }

  override admitted(meetingId: string, address: string): void {
    super.admitted(meetingId, address);
    this.bus.publish(TOPIC, { kind: SharedAdmissionThrottle.KIND, op: 'admitted', args: [meetingId, address] });
  }
}

/** Who the host removed, per meeting, known to every instance. */
export class SharedRemovalBans extends RemovalBans {
  private static readonly KIND = 'removals';

  constructor(private readonly bus: ClusterBus) {
    super();
    bus.subscribe(TOPIC, (event) => {
      const who = removedFrom(event);
      if (!who) return;
      if (event.op === 'ban') super.ban(who.meetingId, who);
      else if (event.op === 'lift') super.lift(who.meetingId, who);
    });
  }

  override ban(meetingId: string, member: Who): void {
    super.ban(meetingId, member);
    this.bus.publish(TOPIC, { kind: SharedRemovalBans.KIND, op: 'ban', args: [meetingId, member.accountId, member.address] });
  }

  override lift(meetingId: string, who: Who): void {
    super.lift(meetingId, who);
    this.bus.publish(TOPIC, { kind: SharedRemovalBans.KIND, op: 'lift', args: [meetingId, who.accountId, who.address] });
  }
}

function removedFrom(event: ClusterEvent): (Who & { meetingId: string }) | undefined {
  if (event.kind !== 'removals') return undefined;
  const [meetingId, accountId, address] = event.args;
  if (typeof meetingId !== 'string' || typeof address !== 'string') return undefined;
  if (accountId !== null && !Number.isSafeInteger(accountId)) return undefined;
  return { meetingId, accountId: accountId as number | null, address };
}
