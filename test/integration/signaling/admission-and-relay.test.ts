import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anotherMeeting, connect, hostMeeting, join, sleep, type HostedMeeting } from '../support/meeting.js';
import { newMeetingKey } from '../support/test-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
let host: HostedMeeting;
let meeting: HostedMeeting;

beforeAll(async () => {
  t = await startTestServer();
  host = await hostMeeting(t);
});
// A fresh meeting per test: people who merely disconnect keep their place for the grace period.
beforeEach(async () => {
  meeting = await anotherMeeting(host);
});
afterAll(() => t.stop());

describe('admission', () => {
  it('admits a guest with the right admission key and tells the others', async () => {
    const alice = await join(t, meeting, 'Alice');
    expect(alice.joined.peers).toEqual([]);
    expect(alice.joined.peerId).toMatch(/^[0-9a-f]{16}$/);
    const bob = await join(t, meeting, 'Bob');
    expect(bob.joined.peers.map((p) => p.displayName)).toEqual(['Alice']);
    const seen = await alice.client.nextOf('room.peerJoined');
    expect(seen.peer).toMatchObject({ peerId: bob.joined.peerId, displayName: 'Bob', muted: false });
    alice.client.close();
    bob.client.close();
  });

  it('refuses a wrong admission key with wrong_key, and logs the failure without the key', async () => {
    const c = await connect(t);
    const wrong = newMeetingKey().admissionKey;
    const reply = await c.request({ type: 'room.join', meetingId: meeting.meetingId, admissionKey: wrong, displayName: 'Mallory' });
    expect(reply).toMatchObject({ type: 'error', code: 'wrong_key' });
    const line = t.logs.find((l) => l.includes('admission_failed') && l.includes(meeting.meetingId));
    expect(line).toBeDefined();
    expect(t.logs.join('\n')).not.toContain(wrong);
    expect(t.logs.join('\n')).not.toContain(meeting.admissionKey);
    c.close();
  });

  it('gives the same answer for an unknown meeting as for a wrong key', async () => {
    const c = await connect(t);
    const reply = await c.request({
      type: 'room.join',
      meetingId: 'zzz-zzzz-zzz',
      admissionKey: meeting.admissionKey,
      displayName: 'Eve',
    });
    expect(reply).toMatchObject({ type: 'error', code: 'wrong_key' });
    c.close();
  });

  it('refuses a second join on the same connection', async () => {
    const { client } = await join(t, meeting, 'Carol');
    const again = await client.request({ type: 'room.join', meetingId: meeting.meetingId, admissionKey: meeting.admissionKey, displayName: 'Carol' });
    expect(again).toMatchObject({ type: 'error', code: 'already_joined' });
    client.close();
  });

  it('refuses more people than the meeting allows', async () => {
    const small = await anotherMeeting(host, { maxParticipants: 2 });
    const a = await join(t, small, 'A');
    const b = await join(t, small, 'B');
    const c = await connect(t);
    const reply = await c.request({ type: 'room.join', meetingId: small.meetingId, admissionKey: small.admissionKey, displayName: 'C' });
    expect(reply).toMatchObject({ type: 'error', code: 'meeting_full' });
    for (const x of [a.client, b.client, c]) x.close();
  });
});

describe('relay', () => {
  it('relays a signal to the addressed peer only, stamped with the real sender', async () => {
    const a = await join(t, meeting, 'A');
    const b = await join(t, meeting, 'B');
    const c = await join(t, meeting, 'C');
    // The payload claims to come from C; the server's `from` says who really sent it.
    a.client.send({ type: 'signal', to: b.joined.peerId, data: { sdp: 'v=0', from: c.joined.peerId } });
    const got = await b.client.nextOf('signal');
    expect(got.from).toBe(a.joined.peerId);
    expect(got.data).toEqual({ sdp: 'v=0', from: c.joined.peerId });
    await sleep(100);
    expect(c.client.pending('signal')).toEqual([]);
    for (const x of [a, b, c]) x.client.close();
  });

  it('refuses a top-level `from` field: a client cannot speak for someone else', async () => {
    const a = await join(t, meeting, 'A');
    const b = await join(t, meeting, 'B');
    const reply = await a.client.request({ type: 'signal', to: b.joined.peerId, data: {}, from: b.joined.peerId } as never);
    expect(reply).toMatchObject({ type: 'error', code: 'bad_message' });
    for (const x of [a, b]) x.client.close();
  });

  it('never lets a member of one meeting reach a member of another', async () => {
    const other = await hostMeeting(t); // another owner's meeting
    const inOther = await join(t, other, 'Other');
    const a = await join(t, meeting, 'A');
    const reply = await a.client.request({ type: 'signal', to: inOther.joined.peerId, data: { x: 1 } });
    expect(reply).toMatchObject({ type: 'error', code: 'peer_not_found' });
    await sleep(100);
    expect(inOther.client.pending('signal')).toEqual([]);
    // Presence in one meeting is not seen in the other either.
    expect(inOther.client.pending('room.peerJoined')).toEqual([]);
    for (const x of [a.client, inOther.client, other.owner]) x.close();
  });

  it('refuses signals from someone who has not joined', async () => {
    const c = await connect(t);
    const reply = await c.request({ type: 'signal', to: '0123456789abcdef', data: {} });
    expect(reply).toMatchObject({ type: 'error', code: 'not_joined' });
    c.close();
  });

  it('shares presence changes (mute, hand, name) with the others', async () => {
    const a = await join(t, meeting, 'A');
    const b = await join(t, meeting, 'B');
    await a.client.expect('ok', { type: 'presence.update', muted: true, handRaised: true, displayName: 'Ada' });
    const update = await b.client.nextOf('room.peerUpdated');
    expect(update.peer).toMatchObject({ peerId: a.joined.peerId, displayName: 'Ada', muted: true, handRaised: true });
    for (const x of [a, b]) x.client.close();
  });

  it('tells the others when someone leaves', async () => {
    const a = await join(t, meeting, 'A');
    const b = await join(t, meeting, 'B');
    await b.client.expect('ok', { type: 'room.leave' });
    const left = await a.client.nextOf('room.peerLeft');
    expect(left).toMatchObject({ peerId: b.joined.peerId, reason: 'left' });
    for (const x of [a, b]) x.client.close();
  });
});
