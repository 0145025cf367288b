/** What only a host may do (host-handlers.ts), and a host's own meetings (meeting-handlers.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocol/index.js';
import { admissionPair, createWorld, message, refusal, type FakeConnection, type World } from './__fixtures__/handler-world.js';
import { hostHandlers } from './host-handlers.js';
import { meetingHandlers } from './meeting-handlers.js';
import { roomHandlers } from './room-handlers.js';

let world: World;
let owner: { accountId: number; username: string; token: string };
let stranger: { accountId: number; username: string; token: string };

beforeAll(async () => {
  world = createWorld();
  const a = await world.ctx.accounts.register('host-owner', 'correct horse battery');
  const b = await world.ctx.accounts.register('someone-else', 'battery staple horse');
  owner = { accountId: a.accountId, username: a.username, token: a.token };
  stranger = { accountId: b.accountId, username: b.username, token: b.token };
}, 120_000);
afterAll(() => world.close());

function signedIn(as: typeof owner): FakeConnection {
  const conn = world.connect();
  conn.principal = { ...as };
  return conn;
}

/** Creates a meeting through the handlers, as the owner's client does. */
async function create(conn: FakeConnection, lobby = false) {
  const reserved = (await meetingHandlers['meeting.reserve'](conn, message('meeting.reserve', {}))) as Extract<ServerMessage, { type: 'meeting.reserved' }>;
  const { admissionKey, verifier } = admissionPair();
  await meetingHandlers['meeting.create'](conn, message('meeting.create', { meetingId: reserved.meetingId, verifier, lobby }));
  return { meetingId: reserved.meetingId, admissionKey };
}

function peerIdOf(reply: unknown): string {
  const m = (Array.isArray(reply) ? reply[0] : reply) as ServerMessage;
  if (m.type !== 'room.joined' && m.type !== 'room.waiting') throw new Error(`unexpected ${m.type}`);
  return m.type === 'room.joined' ? m.peerId : '';
}

async function enter(conn: FakeConnection, m: { meetingId: string; admissionKey: string }, displayName = 'Guest'): Promise<string> {
  return peerIdOf(await roomHandlers['room.join'](conn, message('room.join', { ...m, displayName })));
}

describe('meeting handlers', () => {
  it('need an account for everything', async () => {
    const guest = world.connect();
    await refusal(() => meetingHandlers['meeting.reserve'](guest, message('meeting.reserve', {})), 'unauthenticated');
    await refusal(() => meetingHandlers['meeting.list'](guest, message('meeting.list', {})), 'unauthenticated');
  });

  it('create only on an id reserved by the same account', async () => {
    const mine = signedIn(owner);
    const reserved = (await meetingHandlers['meeting.reserve'](mine, message('meeting.reserve', {}))) as Extract<ServerMessage, { type: 'meeting.reserved' }>;
    const { verifier } = admissionPair();
    await refusal(() => meetingHandlers['meeting.create'](signedIn(stranger), message('meeting.create', { meetingId: reserved.meetingId, verifier })), 'not_found');
    const created = await meetingHandlers['meeting.create'](mine, message('meeting.create', { meetingId: reserved.meetingId, verifier, title: 'Standup' }));
    expect(created).toMatchObject({ type: 'meeting.created', meeting: { meetingId: reserved.meetingId, title: 'Standup', live: 0 } });
    // An id is used once.
    await refusal(() => meetingHandlers['meeting.create'](mine, message('meeting.create', { meetingId: reserved.meetingId, verifier })), 'not_found');
  });

  it('list only the account\'s own meetings, with how many are in each', async () => {
    const m = await create(signedIn(owner));
    await enter(world.connect(), m);
    const list = (await meetingHandlers['meeting.list'](signedIn(owner), message('meeting.list', {}))) as Extract<ServerMessage, { type: 'meeting.list' }>;
    expect(list.meetings.find((x) => x.meetingId === m.meetingId)?.live).toBe(1);
    const theirs = (await meetingHandlers['meeting.list'](signedIn(stranger), message('meeting.list', {}))) as Extract<ServerMessage, { type: 'meeting.list' }>;
    expect(theirs.meetings.map((x) => x.meetingId)).not.toContain(m.meetingId);
  });

  it('delete: someone else\'s meeting reads as missing; deleting your own ends it for everyone in it', async () => {
    const m = await create(signedIn(owner));
    const guest = world.connect();
    await enter(guest, m);
    await refusal(() => meetingHandlers['meeting.delete'](signedIn(stranger), message('meeting.delete', { meetingId: m.meetingId })), 'not_found');
    expect(await world.ctx.meetings.get(m.meetingId)).toBeDefined();
    await meetingHandlers['meeting.delete'](signedIn(owner), message('meeting.delete', { meetingId: m.meetingId }));
    expect(guest.received('room.ended')).toHaveLength(1);
    await refusal(() => enter(world.connect(), m), 'wrong_key');
  });
});

describe('host handlers', () => {
  it('are refused to anyone but the host, and to people not in the meeting', async () => {
    const m = await create(signedIn(owner));
    const host = world.connect();
    await enter(host, m, 'Host'); // first in: host
    const guest = world.connect();
    const guestId = await enter(guest, m);
    await refusal(() => hostHandlers['host.lock'](guest, message('host.lock', { locked: true })), 'forbidden');
    await refusal(() => hostHandlers['host.remove'](guest, message('host.remove', { peerId: guestId })), 'forbidden');
    await refusal(() => hostHandlers['host.end'](world.connect(), message('host.end', {})), 'not_joined');
  });

  it('lock keeps new people out, but not the owner', async () => {
    const m = await create(signedIn(owner));
    const host = world.connect();
    await enter(host, m);
    await hostHandlers['host.lock'](host, message('host.lock', { locked: true }));
    await refusal(() => enter(world.connect(), m), 'meeting_locked');
    expect(await enter(signedIn(owner), m)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('remove tells the person, drops them, and sends them through the lobby next time', async () => {
    const m = await create(signedIn(owner));
    const host = world.connect();
    await enter(host, m);
    const address = '203.0.113.200';
    const guest = world.connect(address);
    const guestId = await enter(guest, m);
    await hostHandlers['host.remove'](host, message('host.remove', { peerId: guestId }));
    expect(guest.received('room.removed')).toHaveLength(1);
    expect(guest.membership).toBeNull();
    expect(host.received('room.peerLeft')).toContainEqual({ type: 'room.peerLeft', peerId: guestId, reason: 'removed' });
    const again = await roomHandlers['room.join'](world.connect(address), message('room.join', { ...m, displayName: 'Guest' }));
    expect((Array.isArray(again) ? again[0] : again)?.type).toBe('room.waiting');
    await refusal(() => hostHandlers['host.remove'](host, message('host.remove', { peerId: 'ffffffffffffffff' })), 'peer_not_found');
    await refusal(() => hostHandlers['host.remove'](host, message('host.remove', { peerId: host.membership!.member.peerId })), 'forbidden');
  });

  it('admit lets a waiting person in; deny turns them away', async () => {
    const m = await create(signedIn(owner), true);
    const host = signedIn(owner);
    await enter(host, m);
    const [ada, bob] = [world.connect(), world.connect()];
    await roomHandlers['room.join'](ada, message('room.join', { ...m, displayName: 'Ada' }));
    await roomHandlers['room.join'](bob, message('room.join', { ...m, displayName: 'Bob' }));
    const waiting = [...world.ctx.rooms.get(m.meetingId)!.lobby.keys()];
    expect(waiting).toHaveLength(2);
    await hostHandlers['host.admit'](host, message('host.admit', { peerId: waiting[0]! }));
    await hostHandlers['host.deny'](host, message('host.deny', { peerId: waiting[1]! }));
    expect(ada.received('room.joined')).toHaveLength(1);
    expect(bob.received('room.denied')).toHaveLength(1);
    expect(world.ctx.rooms.get(m.meetingId)!.lobby.size).toBe(0);
  });

  it('askMute reaches the person asked, and no one else; end closes the meeting for good', async () => {
    const m = await create(signedIn(owner));
    const host = world.connect();
    const hostId = await enter(host, m);
    const [ada, bob] = [world.connect(), world.connect()];
    const adaId = await enter(ada, m);
    await enter(bob, m);
    await hostHandlers['host.askMute'](host, message('host.askMute', { peerId: adaId }));
    expect(ada.received('room.muteRequested')).toEqual([{ type: 'room.muteRequested', by: hostId }]);
    expect(bob.received('room.muteRequested')).toEqual([]);
    await refusal(() => hostHandlers['host.askMute'](host, message('host.askMute', { peerId: hostId })), 'peer_not_found');
    await hostHandlers['host.end'](host, message('host.end', {}));
    expect(ada.received('room.ended')).toHaveLength(1);
    await refusal(() => enter(world.connect(), m), 'meeting_ended');
  });
});
