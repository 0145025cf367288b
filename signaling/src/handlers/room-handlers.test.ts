import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, type ServerMessage } from '../protocol/index.js';
import { admissionPair, createWorld, message, refusal, type FakeConnection, type World } from './__fixtures__/handler-world.js';
import { MAX_RESUME_TOKEN_AGE_MS, roomHandlers } from './room-handlers.js';

let world: World;
let ownerId: number;

beforeAll(async () => {
  world = createWorld();
  // One real registration (a slow scrypt) for the whole file: meetings need an owner.
  ownerId = (await world.ctx.accounts.register('owner', 'correct horse battery')).accountId;
}, 60_000);
afterAll(() => world.close());

/** A meeting of `ownerId`'s, and the admission key that opens it. */
async function meeting(options: { lobby?: boolean; maxParticipants?: number } = {}) {
  const { meetingId } = await world.ctx.meetings.reserveId(ownerId);
  const { admissionKey, verifier } = admissionPair();
  await world.ctx.meetings.create(ownerId, { meetingId, verifier: Buffer.from(verifier, 'base64url'), lobby: options.lobby ?? false, maxParticipants: options.maxParticipants ?? 8 });
  return { meetingId, admissionKey };
}

function join(conn: FakeConnection, m: { meetingId: string; admissionKey: string }, displayName = 'Guest') {
  return roomHandlers['room.join'](conn, message('room.join', { meetingId: m.meetingId, admissionKey: m.admissionKey, displayName }));
}

function first(reply: unknown): ServerMessage {
  const m = Array.isArray(reply) ? reply[0] : reply;
  if (!m) throw new Error('no reply');
  return m as ServerMessage;
}

function joined(reply: unknown): Extract<ServerMessage, { type: 'room.joined' }> {
  const m = first(reply);
  if (m.type !== 'room.joined') throw new Error(`expected room.joined, got ${m.type}`);
  return m;
}

describe('room.join', () => {
  it('admits with the right key, gives a fresh peer id and tells the others', async () => {
    const m = await meeting();
    const ada = world.connect();
    const bob = world.connect();
    const adaIn = joined(await join(ada, m, 'Ada'));
    const bobIn = joined(await join(bob, m, 'Bob'));
    expect(adaIn.peerId).toMatch(/^[0-9a-f]{16}$/);
    expect(bobIn.peerId).not.toBe(adaIn.peerId);
    expect(bobIn.peers.map((p) => p.displayName)).toEqual(['Ada']);
    expect(ada.received('room.peerJoined').map((p) => p.peer.peerId)).toEqual([bobIn.peerId]);
    expect(ada.membership?.member.peerId).toBe(adaIn.peerId);
  });

  it('refuses a wrong key and an unknown meeting with the same answer, and counts both', async () => {
    const m = await meeting();
    const failures = async () => (await world.ctx.metrics.admissionFailures.get()).values[0]?.value ?? 0;
    const failuresBefore = await failures();
    const guess = admissionPair().admissionKey;
    const wrong = await refusal(() => join(world.connect(), { meetingId: m.meetingId, admissionKey: guess }), 'wrong_key');
    const unknown = await refusal(() => join(world.connect(), { meetingId: 'zzz-zzzz-zzz', admissionKey: guess }), 'wrong_key');
    expect(unknown.message).toBe(wrong.message);
    expect((await failures()) - failuresBefore).toBe(2);
  });

  it('refuses a key of the wrong length without comparing it (no exception from timingSafeEqual)', async () => {
    const m = await meeting();
    for (const admissionKey of ['', 'AAAA', m.admissionKey + 'AAAA']) {
      await refusal(() => join(world.connect(), { meetingId: m.meetingId, admissionKey }), 'wrong_key');
    }
  });

  it('backs off an address that keeps guessing, even once it has the right key', async () => {
    const m = await meeting();
    const address = '203.0.113.77';
    let limited = null;
    for (let i = 0; i < 50 && !limited; i++) {
      try {
        await join(world.connect(address), { meetingId: m.meetingId, admissionKey: admissionPair().admissionKey });
      } catch (err) {
        if ((err as { code?: string }).code === 'rate_limited') limited = err as { retryAfterMs?: number };
      }
    }
    expect(limited, 'never rate limited in 50 wrong guesses').not.toBeNull();
    expect(limited?.retryAfterMs).toBeGreaterThan(0);
    await refusal(() => join(world.connect(address), m), 'rate_limited');
    // Someone else, elsewhere, with the key still gets in.
    expect(joined(await join(world.connect(), m)).meetingId).toBe(m.meetingId);
  });

  it('refuses a second join on the same connection', async () => {
    const m = await meeting();
    const conn = world.connect();
    await join(conn, m);
    await refusal(() => join(conn, m), 'already_joined');
  });

  it('puts guests in the lobby when the meeting has one; the owner walks in', async () => {
    const m = await meeting({ lobby: true });
    const guest = world.connect();
    expect(first(await join(guest, m))).toMatchObject({ type: 'room.waiting', meetingId: m.meetingId, hostPresent: false });
    // Waiting is not being in: nothing the admitted may do.
    await refusal(() => roomHandlers['presence.update'](guest, message('presence.update', { muted: true })), 'not_joined');
    const owner = world.connect();
    owner.principal = { accountId: ownerId, username: 'owner', token: 'unused' };
    expect(joined(await join(owner, m)).hostId).toBe(owner.membership?.member.peerId);
  });

  it('refuses once the meeting is full, and after it ended', async () => {
    const m = await meeting({ maxParticipants: 2 });
    await join(world.connect(), m);
    await join(world.connect(), m);
    await refusal(() => join(world.connect(), m), 'meeting_full');
    await world.ctx.meetings.markEnded(m.meetingId);
    world.ctx.rooms.get(m.meetingId)?.end();
    await refusal(() => join(world.connect(), m), 'meeting_ended');
  });
});

describe('signal', () => {
  it('relays to the addressee only, stamped with the real sender', async () => {
    const m = await meeting();
    const [ada, bob, eve] = [world.connect(), world.connect(), world.connect()];
    const adaId = joined(await join(ada, m)).peerId;
    const bobId = joined(await join(bob, m)).peerId;
    await join(eve, m);
    roomHandlers.signal(ada, message('signal', { to: bobId, data: { kind: 'offer', sdp: 'v=0' } } as never));
    expect(bob.received('signal')).toEqual([{ type: 'signal', from: adaId, data: { kind: 'offer', sdp: 'v=0' } }]);
    expect(eve.received('signal')).toEqual([]);
  });

  it('refuses a signal to oneself, to a stranger, or from someone not in the meeting', async () => {
    const m = await meeting();
    const ada = world.connect();
    const adaId = joined(await join(ada, m)).peerId;
    await refusal(() => roomHandlers.signal(ada, message('signal', { to: adaId, data: {} } as never)), 'peer_not_found');
    await refusal(() => roomHandlers.signal(ada, message('signal', { to: 'ffffffffffffffff', data: {} } as never)), 'peer_not_found');
    await refusal(() => roomHandlers.signal(world.connect(), message('signal', { to: adaId, data: {} } as never)), 'not_joined');
  });
});

describe('room.resume', () => {
  it('gives the same place back on a new connection and closes the old one as replaced', async () => {
    const m = await meeting();
    const old = world.connect();
    const first = joined(await join(old, m));
    const fresh = world.connect();
    const back = joined(await roomHandlers['room.resume'](fresh, message('room.resume', { resumeToken: first.resumeToken })));
    expect(back).toMatchObject({ peerId: first.peerId, resumed: true });
    expect(old.closed?.code).toBe(CLOSE.replaced);
  });

  it('refuses a forged, tampered or expired token', async () => {
    const m = await meeting();
    const token = joined(await join(world.connect(), m)).resumeToken;
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (const resumeToken of ['', 'not-a-token', tampered]) {
      await refusal(() => roomHandlers['room.resume'](world.connect(), message('room.resume', { resumeToken })), 'resume_failed');
    }
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + MAX_RESUME_TOKEN_AGE_MS + 1_000;
      const expired = await refusal(() => roomHandlers['room.resume'](world.connect(), message('room.resume', { resumeToken: token })), 'resume_failed');
      expect(expired.message).toContain('expired');
    } finally {
      Date.now = realNow;
    }
  });

  it('refuses the token of someone who left', async () => {
    const m = await meeting();
    await join(world.connect(), m); // someone stays, so the meeting (and who left it) is still known
    const conn = world.connect();
    const { resumeToken } = joined(await join(conn, m));
    roomHandlers['room.leave'](conn, message('room.leave', {}));
    expect(conn.membership).toBeNull();
    await refusal(() => roomHandlers['room.resume'](world.connect(), message('room.resume', { resumeToken })), 'resume_failed');
  });
});

describe('presence.update and ice.refresh', () => {
  it('tells the others what changed, and only what was sent', async () => {
    const m = await meeting();
    const [ada, bob] = [world.connect(), world.connect()];
    await join(ada, m, 'Ada');
    await join(bob, m, 'Bob');
    roomHandlers['presence.update'](ada, message('presence.update', { handRaised: true }));
    const [update] = bob.received('room.peerUpdated');
    expect(update?.peer).toMatchObject({ displayName: 'Ada', handRaised: true, muted: false });
  });

  it('hands out fresh ICE servers to members, a few at a time', async () => {
    const conn = world.connect();
    await refusal(() => roomHandlers['ice.refresh'](conn, message('ice.refresh', {})), 'not_joined');
    await join(conn, await meeting());
    let limited = null;
    for (let i = 0; i < 20 && !limited; i++) {
      try {
        expect(first(roomHandlers['ice.refresh'](conn, message('ice.refresh', {}) as never)).type).toBe('ice.servers');
      } catch (err) {
        limited = err as { code?: string; retryAfterMs?: number };
      }
    }
    expect(limited?.code).toBe('ice_refresh_limited');
    expect(limited?.retryAfterMs).toBeGreaterThan(0);
  });
});
