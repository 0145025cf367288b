import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, hostMeeting, join } from '../support/meeting.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

/** The owner joins their own meeting on the connection they logged in with, and becomes host. */
async function ownerJoins(m: Awaited<ReturnType<typeof hostMeeting>>) {
  return join(t, m, 'Owner', m.owner);
}

describe('lobby', () => {
  it('keeps a guest waiting until the host admits them', async () => {
    const m = await hostMeeting(t, { lobby: true });
    const host = await ownerJoins(m);
    expect(host.joined.hostId).toBe(host.joined.peerId);

    const guest = await connect(t);
    const waiting = await guest.expect('room.waiting', {
      type: 'room.join',
      meetingId: m.meetingId,
      admissionKey: m.admissionKey,
      displayName: 'Guest',
    });
    expect(waiting.hostPresent).toBe(true);
    const lobby = await host.client.nextOf('room.lobby');
    expect(lobby.waiting).toHaveLength(1);
    const guestId = lobby.waiting[0]!.peerId;

    // A waiting guest cannot signal anyone yet.
    const early = await guest.request({ type: 'signal', to: host.joined.peerId, data: {} });
    expect(early).toMatchObject({ type: 'error', code: 'not_joined' });

    await host.client.expect('ok', { type: 'host.admit', peerId: guestId });
    const joined = await guest.nextOf('room.joined');
    expect(joined.peerId).toBe(guestId);
    expect(joined.peers.map((p) => p.peerId)).toEqual([host.joined.peerId]);
    expect((await host.client.nextOf('room.peerJoined')).peer.peerId).toBe(guestId);
    guest.close();
    m.owner.close();
  });

  it('turns a guest away when the host denies them', async () => {
    const m = await hostMeeting(t, { lobby: true });
    const host = await ownerJoins(m);
    const guest = await connect(t);
    await guest.expect('room.waiting', { type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'G' });
    const { waiting } = await host.client.nextOf('room.lobby');
    await host.client.expect('ok', { type: 'host.deny', peerId: waiting[0]!.peerId });
    await guest.nextOf('room.denied');
    // Turned away means out: the guest is not in the meeting.
    const after = await guest.request({ type: 'room.leave' });
    expect(after).toMatchObject({ type: 'error', code: 'not_joined' });
    guest.close();
    m.owner.close();
  });

  it('tells waiting guests when there is no host to admit them', async () => {
    const m = await hostMeeting(t, { lobby: true });
    const guest = await connect(t);
    const waiting = await guest.expect('room.waiting', {
      type: 'room.join',
      meetingId: m.meetingId,
      admissionKey: m.admissionKey,
      displayName: 'Early',
    });
    expect(waiting.hostPresent).toBe(false);
    await ownerJoins(m);
    const update = await guest.nextOf('room.waiting');
    expect(update.hostPresent).toBe(true);
    guest.close();
    m.owner.close();
  });
});

describe('host controls', () => {
  it('lets only the host act, and tells a non-host so', async () => {
    const m = await hostMeeting(t);
    const host = await ownerJoins(m);
    const guest = await join(t, m, 'Guest');
    const reply = await guest.client.request({ type: 'host.remove', peerId: host.joined.peerId });
    expect(reply).toMatchObject({ type: 'error', code: 'forbidden' });
    const lock = await guest.client.request({ type: 'host.lock', locked: true });
    expect(lock).toMatchObject({ type: 'error', code: 'forbidden' });
    guest.client.close();
    m.owner.close();
  });

  it('locks the meeting to newcomers, and unlocks it', async () => {
    const m = await hostMeeting(t);
    const host = await ownerJoins(m);
    const inside = await join(t, m, 'Inside');
    await host.client.expect('ok', { type: 'host.lock', locked: true });
    expect(await inside.client.nextOf('room.locked')).toMatchObject({ locked: true });
    const late = await connect(t);
    const refused = await late.request({ type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'Late' });
    expect(refused).toMatchObject({ type: 'error', code: 'meeting_locked' });
    await host.client.expect('ok', { type: 'host.lock', locked: false });
    await join(t, m, 'Late', late);
    for (const c of [late, inside.client, m.owner]) c.close();
  });

  it('removes a participant, who cannot come back with the resume token', async () => {
    const m = await hostMeeting(t);
    const host = await ownerJoins(m);
    const bob = await join(t, m, 'Bob');
    const carol = await join(t, m, 'Carol');
    await host.client.expect('ok', { type: 'host.remove', peerId: bob.joined.peerId });
    await bob.client.nextOf('room.removed');
    expect(await carol.client.nextOf('room.peerLeft')).toMatchObject({ peerId: bob.joined.peerId, reason: 'removed' });
    const back = await connect(t);
    const reply = await back.request({ type: 'room.resume', resumeToken: bob.joined.resumeToken });
    expect(reply).toMatchObject({ type: 'error', code: 'resume_failed' });
    for (const c of [back, bob.client, carol.client, m.owner]) c.close();
  });

  it('keeps a removed participant out: joining again with the key lands in the lobby, until the host admits them', async () => {
    const m = await hostMeeting(t);
    const host = await ownerJoins(m);
    // Bob joins from an address of his own, so the address ban touches nobody else here.
    const bobConn = await connect(t, { localAddress: '127.0.5.1' });
    const bob = await join(t, m, 'Bob', bobConn);
    await host.client.expect('ok', { type: 'host.remove', peerId: bob.joined.peerId });
    await bob.client.nextOf('room.removed');

    const again = await connect(t, { localAddress: '127.0.5.1' });
    const reply = await again.request({ type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'Bob again' });
    expect(reply).toMatchObject({ type: 'room.waiting' });
    const lobby = await host.client.nextOf('room.lobby');
    expect(lobby.waiting.map((w) => w.displayName)).toEqual(['Bob again']);
    // Someone else, from elsewhere, still gets straight in (the meeting has no lobby).
    const carol = await join(t, m, 'Carol');
    expect(carol.joined.peerId).toBeTruthy();
    // The host lets Bob back in, and the ban is lifted.
    await host.client.expect('ok', { type: 'host.admit', peerId: lobby.waiting[0]!.peerId });
    await again.nextOf('room.joined');
    for (const c of [again, bob.client, carol.client, m.owner]) c.close();
  });

  it('asks a participant to mute', async () => {
    const m = await hostMeeting(t);
    const host = await ownerJoins(m);
    const bob = await join(t, m, 'Bob');
    await host.client.expect('ok', { type: 'host.askMute', peerId: bob.joined.peerId });
    expect(await bob.client.nextOf('room.muteRequested')).toMatchObject({ by: host.joined.peerId });
    bob.client.close();
    m.owner.close();
  });

  it('ends the meeting for everyone, after which nobody can join', async () => {
    const m = await hostMeeting(t, { lobby: true });
    const host = await ownerJoins(m);
    const waiting = await connect(t);
    await waiting.expect('room.waiting', { type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'W' });
    await host.client.nextOf('room.lobby');
    await host.client.expect('ok', { type: 'host.end' });
    await waiting.nextOf('room.ended');
    const late = await connect(t);
    const reply = await late.request({ type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'L' });
    expect(reply).toMatchObject({ type: 'error', code: 'meeting_ended' });
    const { meetings } = await m.owner.expect('meeting.list', { type: 'meeting.list' });
    expect(meetings.find((x) => x.meetingId === m.meetingId)?.endedAt).toBeTypeOf('number');
    for (const c of [late, waiting, m.owner]) c.close();
  });

  it('hands the host role on when the host leaves, to whoever has been there longest', async () => {
    const m = await hostMeeting(t);
    const host = await ownerJoins(m);
    const first = await join(t, m, 'First');
    const second = await join(t, m, 'Second');
    await host.client.expect('ok', { type: 'room.leave' });
    expect(await first.client.nextOf('room.hostChanged')).toMatchObject({ hostId: first.joined.peerId });
    expect(await second.client.nextOf('room.hostChanged')).toMatchObject({ hostId: first.joined.peerId });
    // The new host can use host controls.
    await first.client.expect('ok', { type: 'host.lock', locked: true });
    for (const c of [first.client, second.client, m.owner]) c.close();
  });

  it('gives the host role back to the owner when the owner joins', async () => {
    const m = await hostMeeting(t);
    const guest = await join(t, m, 'Guest');
    expect(guest.joined.hostId).toBe(guest.joined.peerId);
    const owner = await ownerJoins(m);
    expect(owner.joined.hostId).toBe(owner.joined.peerId);
    expect(await guest.client.nextOf('room.hostChanged')).toMatchObject({ hostId: owner.joined.peerId });
    guest.client.close();
    m.owner.close();
  });
});
