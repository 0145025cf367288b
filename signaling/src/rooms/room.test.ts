import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../protocol/index.js';
import type { MeetingRecord } from '../meetings/meeting-store.js';
import type { Member, Outlet } from './member.js';
import { Room, type LeaveReason } from './room.js';

class FakeOutlet implements Outlet {
  sent: ServerMessage[] = [];
  released = false;
  send(m: ServerMessage) {
    this.sent.push(m);
  }
  release() {
    this.released = true;
  }
  types() {
    return this.sent.map((m) => m.type);
  }
}

const OWNER = 1;
function meeting(over: Partial<MeetingRecord> = {}): MeetingRecord {
  return { id: 'abc-defg-hjk', ownerId: OWNER, title: null, verifier: Buffer.alloc(32), lobby: false, maxParticipants: 8, createdAt: 0, endedAt: null, ...over };
}

let n = 0;
function member(name: string, accountId: number | null = null): Member & { outlet: FakeOutlet } {
  return { peerId: (++n).toString(16).padStart(16, '0'), accountId, nonce: 'n', joinedAt: 0, address: '192.0.2.1', displayName: name, muted: false, videoOff: false, handRaised: false, outlet: new FakeOutlet(), outbox: [] };
}

function room(over: Partial<MeetingRecord> = {}, largestMeeting = 50) {
  const departed: [string, LeaveReason][] = [];
  let emptied = 0;
  const r = new Room(meeting(over), {
    graceMs: 1000,
    largestMeeting,
    welcome: (rm, m, resumed) => ({ type: 'room.joined', meetingId: rm.id, peerId: m.peerId, hostId: rm.hostId, locked: rm.locked, peers: [], iceServers: [], resumeToken: 't', resumed, graceMs: 1000 }),
    departed: (_r, m, reason) => departed.push([m.peerId, reason]),
    empty: () => emptied++,
  });
  return { r, departed, emptied: () => emptied };
}

afterEach(() => vi.useRealTimers());

describe('Room', () => {
  it('holds as many as the meeting’s own size, within what the server carries (a mesh-only server: 8)', () => {
    const big = room({ maxParticipants: 50 }, 8).r;
    for (let i = 0; i < 7; i++) big.admit(member(`P${i}`));
    expect(big.isFull()).toBe(false);
    big.admit(member('P7'));
    expect(big.capacity).toBe(8);
    expect(big.isFull()).toBe(true);
    const small = room({ maxParticipants: 3 }, 50).r;
    expect(small.capacity).toBe(3);
  });

  it('makes the first person in the host, and returns the welcome first', () => {
    const { r } = room();
    const a = member('A');
    const out = r.admit(a);
    expect(out[0]).toMatchObject({ type: 'room.joined', hostId: a.peerId });
    expect(r.hostId).toBe(a.peerId);
  });

  it('gives the host role to the owner when the owner arrives', () => {
    const { r } = room();
    const guest = member('G');
    r.admit(guest);
    const owner = member('O', OWNER);
    r.admit(owner);
    expect(r.hostId).toBe(owner.peerId);
    expect(guest.outlet.sent).toContainEqual({ type: 'room.hostChanged', hostId: owner.peerId });
  });

  it('hands host over to the longest-present connected member when the host leaves', () => {
    const { r } = room();
    const [a, b, c] = [member('A'), member('B'), member('C')];
    [a, b, c].forEach((m) => r.admit(m));
    r.disconnected(b); // away members are passed over while someone connected remains
    r.leave(a, 'left');
    expect(r.hostId).toBe(c.peerId);
  });

  it('queues messages for an away member and delivers them, after the welcome, on resume', () => {
    vi.useFakeTimers();
    const { r } = room();
    const [a, b] = [member('A'), member('B')];
    r.admit(a);
    r.admit(b);
    r.disconnected(b);
    r.sendTo(b, { type: 'room.muteRequested', by: a.peerId });
    const fresh = new FakeOutlet();
    const out = r.resumed(b, fresh);
    expect(out.map((m) => m.type)).toEqual(['room.joined', 'room.muteRequested']);
    expect(out[0]).toMatchObject({ resumed: true });
    vi.advanceTimersByTime(5000);
    expect(r.members.has(b.peerId)).toBe(true); // the grace timer was cancelled
  });

  it('lets an away member go for good after the grace period, telling the others', () => {
    vi.useFakeTimers();
    const { r, departed } = room();
    const [a, b] = [member('A'), member('B')];
    r.admit(a);
    r.admit(b);
    r.disconnected(b);
    vi.advanceTimersByTime(999);
    expect(r.members.has(b.peerId)).toBe(true);
    vi.advanceTimersByTime(2);
    expect(r.members.has(b.peerId)).toBe(false);
    expect(a.outlet.sent).toContainEqual({ type: 'room.peerLeft', peerId: b.peerId, reason: 'timeout' });
    expect(departed).toEqual([[b.peerId, 'timeout']]);
    expect(r.hasDeparted(b.peerId)).toBe(true);
  });

  it('shows the host the lobby, and admits from it only within the cap', () => {
    const { r } = room({ lobby: true, maxParticipants: 2 });
    const host = member('H', OWNER);
    r.admit(host);
    const [g1, g2] = [member('G1'), member('G2')];
    expect(r.wait(g1)).toMatchObject({ type: 'room.waiting', hostPresent: true });
    r.wait(g2);
    expect(host.outlet.sent.at(-1)).toMatchObject({ type: 'room.lobby', waiting: [{ peerId: g1.peerId }, { peerId: g2.peerId }] });
    r.admitFromLobby(g1.peerId);
    expect(g1.outlet.types()[0]).toBe('room.joined');
    expect(() => r.admitFromLobby(g2.peerId)).toThrow(/full/);
    expect(() => r.admitFromLobby('ffffffffffffffff')).toThrow(/waiting/);
  });

  it('drops a lobby guest whose connection closes (no grace for waiting)', () => {
    const { r } = room({ lobby: true });
    const host = member('H', OWNER);
    r.admit(host);
    const g = member('G');
    r.wait(g);
    r.disconnected(g);
    expect(r.lobby.size).toBe(0);
    expect(host.outlet.sent.at(-1)).toEqual({ type: 'room.lobby', waiting: [] });
  });

  it('ends: everyone is told and released, and the room reports empty', () => {
    const { r, emptied } = room({ lobby: true });
    const host = member('H', OWNER);
    const g = member('G');
    r.admit(host);
    r.wait(g);
    r.end();
    for (const m of [host, g]) {
      expect(m.outlet.sent.at(-1)).toEqual({ type: 'room.ended', meetingId: 'abc-defg-hjk' });
      expect(m.outlet.released).toBe(true);
    }
    expect(emptied()).toBe(1);
  });
});
