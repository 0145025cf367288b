/**
 * The live state of one meeting: who is in, who waits in the lobby, who is
 * host, whether it is locked. Pure bookkeeping and fan-out; admission checks
 * happen before anything reaches a room (handlers/room-handlers.ts).
 */
import type { ServerMessage } from '../protocol/index.js';
import { AppError } from '../app-error.js';
import type { MeetingRecord } from '../meetings/meeting-store.js';
import { MAX_OUTBOX, peerInfo, type Member, type Outlet } from './member.js';

export type LeaveReason = 'left' | 'timeout' | 'removed';

export interface RoomHooks {
  graceMs: number;
  /** Most people any meeting of this server holds (MESH_MAX_PARTICIPANTS when it has no SFU); the meeting's own size may be less. */
  largestMeeting: number;
  /** The `room.joined` message for a member who just got in (or resumed). */
  welcome(room: Room, member: Member, resumed: boolean): ServerMessage;
  /** A member is gone for good (not on a mere disconnect). */
  departed(room: Room, member: Member, reason: LeaveReason): void;
  /** Nobody is in or waiting any more: the registry forgets the room. */
  empty(room: Room): void;
}

/** Most people who may wait in one lobby; beyond that, joins are refused as full. */
export const MAX_LOBBY = 64;
/** How long a departed peer id is remembered, so its resume token stops working. */
const DEPARTED_MEMORY_MS = 24 * 3600_000;
const MAX_DEPARTED = 1024;

export class Room {
  /** Admitted members, in the order they got in (host hand-over follows it). */
  readonly members = new Map<string, Member>();
  readonly lobby = new Map<string, Member>();
  hostId: string | null = null;
  locked = false;
  private readonly departedAt = new Map<string, number>();
  /** So the host is told once when the lobby empties, and not on every host change after. */
  private lobbyWasShown = false;

  constructor(
    readonly meeting: MeetingRecord,
    private readonly hooks: RoomHooks,
  ) {}

  get id(): string {
    return this.meeting.id;
  }

  isOwner(member: Member): boolean {
    return member.accountId !== null && member.accountId === this.meeting.ownerId;
  }

  /** How many people may be in at once: the meeting's own size, within what this server can carry. */
  get capacity(): number {
    return Math.min(this.meeting.maxParticipants, this.hooks.largestMeeting);
  }

  isFull(): boolean {
    return this.members.size >= this.capacity;
  }

  hasDeparted(peerId: string): boolean {
    return this.departedAt.has(peerId);
  }

  // ── Getting in ──────────────────────────────────────────────────────────

  /**
   * Lets the member in. Returns what the member must receive, `room.joined`
   * first; the caller delivers it (as the reply to the member's request).
   */
  admit(member: Member, resumed = false): ServerMessage[] {
    // Park the member's outlet so anything addressed to it meanwhile queues
    // behind the welcome instead of overtaking it.
    const outlet = member.outlet;
    member.outlet = null;
    this.members.set(member.peerId, member);
    const previousHost = this.hostId;
    if (this.hostId === null || this.isOwner(member)) this.hostId = member.peerId;
    this.broadcast({ type: 'room.peerJoined', peer: peerInfo(member) }, member.peerId);
    if (this.hostId !== previousHost) this.announceHost(member.peerId);
    member.outlet = outlet;
    return [this.hooks.welcome(this, member, resumed), ...member.outbox.splice(0)];
  }

  /** Puts the member in the lobby; returns the `room.waiting` it must receive. */
  wait(member: Member): ServerMessage {
    if (this.lobby.size >= MAX_LOBBY) throw new AppError('meeting_full', 'too many people are waiting in the lobby');
    this.lobby.set(member.peerId, member);
    this.sendLobby();
    return { type: 'room.waiting', meetingId: this.id, hostPresent: this.hostId !== null };
  }

  admitFromLobby(peerId: string): void {
    const member = this.lobby.get(peerId);
    if (!member) throw new AppError('peer_not_found', 'nobody with that id is waiting in the lobby');
    if (this.isFull()) throw new AppError('meeting_full', `the meeting is full (${this.capacity} people)`);
    this.lobby.delete(peerId);
    for (const message of this.admit(member)) member.outlet?.send(message);
    this.sendLobby();
  }

  deny(peerId: string): void {
    const member = this.lobby.get(peerId);
    if (!member) throw new AppError('peer_not_found', 'nobody with that id is waiting in the lobby');
    this.lobby.delete(peerId);
    member.outlet?.send({ type: 'room.denied', meetingId: this.id });
    member.outlet?.release();
    this.sendLobby();
    this.emptyCheck();
  }

  // ── Being in ────────────────────────────────────────────────────────────

  /** Delivers now, or keeps it for a member who is away (bounded). */
  sendTo(member: Member, message: ServerMessage): void {
    if (member.outlet) member.outlet.send(message);
    else if (member.outbox.length < MAX_OUTBOX) member.outbox.push(message);
  }

  broadcast(message: ServerMessage, exceptPeerId?: string): void {
    for (const member of this.members.values()) {
      if (member.peerId !== exceptPeerId) this.sendTo(member, message);
    }
  }

  updated(member: Member): void {
    this.broadcast({ type: 'room.peerUpdated', peer: peerInfo(member) }, member.peerId);
  }

  setLocked(locked: boolean): void {
    this.locked = locked;
    this.broadcast({ type: 'room.locked', locked });
  }

  // ── Dropping, resuming, leaving ─────────────────────────────────────────

  /** The member's socket closed without leaving: keep the place for the grace period. */
  disconnected(member: Member): void {
    if (this.lobby.has(member.peerId)) {
      // Waiting costs nothing to redo, so a lobby place is not kept.
      this.lobby.delete(member.peerId);
      member.outlet = null;
      this.sendLobby();
      this.emptyCheck();
      return;
    }
    if (!this.members.has(member.peerId)) return;
    member.outlet = null;
    clearTimeout(member.awayTimer);
    member.awayTimer = setTimeout(() => this.leave(member, 'timeout'), this.hooks.graceMs);
    member.awayTimer.unref?.();
  }

  /**
   * The member is back on a new connection; the others notice nothing.
   * Returns what it must receive: `room.joined`, then what it missed.
   */
  resumed(member: Member, outlet: Outlet): ServerMessage[] {
    clearTimeout(member.awayTimer);
    member.awayTimer = undefined;
    const previous = member.outlet;
    member.outlet = null;
    if (previous && previous !== outlet) previous.release();
    if (this.hostId === member.peerId && this.lobby.size > 0) this.sendLobby();
    member.outlet = outlet;
    return [this.hooks.welcome(this, member, true), ...member.outbox.splice(0)];
  }

  leave(member: Member, reason: LeaveReason): void {
    clearTimeout(member.awayTimer);
    if (this.lobby.delete(member.peerId)) {
      member.outlet?.release();
      this.sendLobby();
      this.emptyCheck();
      return;
    }
    if (!this.members.delete(member.peerId)) return;
    member.outlet?.release();
    this.rememberDeparture(member.peerId);
    this.broadcast({ type: 'room.peerLeft', peerId: member.peerId, reason });
    if (this.hostId === member.peerId) this.handOverHost();
    this.hooks.departed(this, member, reason);
    this.emptyCheck();
  }

  /** Everyone out; the meeting cannot be joined again (the caller marks it ended). */
  end(): void {
    const everyone = [...this.members.values(), ...this.lobby.values()];
    for (const member of everyone) {
      clearTimeout(member.awayTimer);
      member.outlet?.send({ type: 'room.ended', meetingId: this.id });
      member.outlet?.release();
      this.rememberDeparture(member.peerId);
    }
    this.members.clear();
    this.lobby.clear();
    this.hostId = null;
    this.hooks.empty(this);
  }

  /** Stops every grace timer (server shutdown): nothing may fire after the database closes. */
  dispose(): void {
    for (const member of this.members.values()) clearTimeout(member.awayTimer);
  }

  // ── Internals ───────────────────────────────────────────────────────────

  /** The owner if present, else whoever has been here longest and is connected. */
  private handOverHost(): void {
    const members = [...this.members.values()];
    const next =
      members.find((m) => this.isOwner(m)) ?? members.find((m) => m.outlet !== null) ?? members[0] ?? null;
    this.hostId = next?.peerId ?? null;
    this.announceHost();
  }

  /** Members learn the new host, the host learns who waits, the waiting learn whether anyone can admit them. */
  private announceHost(exceptPeerId?: string): void {
    this.broadcast({ type: 'room.hostChanged', hostId: this.hostId }, exceptPeerId);
    this.sendLobby();
    for (const waiting of this.lobby.values()) {
      waiting.outlet?.send({ type: 'room.waiting', meetingId: this.id, hostPresent: this.hostId !== null });
    }
  }

  private sendLobby(): void {
    if (this.lobby.size === 0 && !this.lobbyWasShown) return;
    this.lobbyWasShown = this.lobby.size > 0;
    const host = this.hostId === null ? undefined : this.members.get(this.hostId);
    if (!host) return;
    const waiting = [...this.lobby.values()].map((m) => ({ peerId: m.peerId, displayName: m.displayName }));
    this.sendTo(host, { type: 'room.lobby', waiting });
  }

  private rememberDeparture(peerId: string): void {
    const now = Date.now();
    this.departedAt.set(peerId, now);
    // Bounded, oldest first: join-and-leave in a loop must not grow memory. A
    // forgotten id is still refused, since only a freshly restarted server
    // rebuilds places it does not know (room-handlers.ts, room.resume).
    for (const [id, at] of this.departedAt) {
      if (this.departedAt.size <= MAX_DEPARTED && now - at <= DEPARTED_MEMORY_MS) break;
      this.departedAt.delete(id);
    }
  }

  private emptyCheck(): void {
    if (this.members.size === 0 && this.lobby.size === 0) this.hooks.empty(this);
  }
}
