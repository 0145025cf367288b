import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, hostMeeting, join, sleep } from '../support/meeting.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const GRACE_MS = 1500;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ graceMs: GRACE_MS });
});
afterAll(() => t.stop());

describe('resume', () => {
  it('keeps the peer id and place within the grace period; the others see no leave or join', async () => {
    const m = await hostMeeting(t);
    const a = await join(t, m, 'A');
    const b = await join(t, m, 'B');
    await a.client.nextOf('room.peerJoined');
    b.client.ws.terminate(); // the network drops, no goodbye
    await sleep(200);
    // What A sends while B is away waits for B.
    a.client.send({ type: 'signal', to: b.joined.peerId, data: { candidate: 'while-away' } });
    await sleep(100);

    const again = await connect(t);
    const resumed = await again.expect('room.joined', { type: 'room.resume', resumeToken: b.joined.resumeToken });
    expect(resumed.resumed).toBe(true);
    expect(resumed.peerId).toBe(b.joined.peerId);
    expect(resumed.peers.map((p) => p.peerId)).toEqual([a.joined.peerId]);
    expect((await again.nextOf('signal')).data).toEqual({ candidate: 'while-away' });

    // Signals flow both ways again.
    a.client.send({ type: 'signal', to: b.joined.peerId, data: { n: 2 } });
    expect((await again.nextOf('signal')).data).toEqual({ n: 2 });
    await sleep(GRACE_MS + 300);
    expect(a.client.pending('room.peerLeft')).toEqual([]);
    expect(a.client.pending('room.peerJoined')).toEqual([]);
    for (const c of [again, a.client, m.owner]) c.close();
  });

  it('moves a participant to the new connection when it resumes while the old one still looks alive', async () => {
    const m = await hostMeeting(t);
    const a = await join(t, m, 'A');
    const again = await connect(t);
    await again.expect('room.joined', { type: 'room.resume', resumeToken: a.joined.resumeToken });
    const closed = await a.client.closed;
    expect(closed.code).toBe(4010);
    for (const c of [again, m.owner]) c.close();
  });

  it('refuses to resume after the grace period, when the others were told the peer left', async () => {
    const m = await hostMeeting(t);
    const a = await join(t, m, 'A');
    const b = await join(t, m, 'B');
    b.client.ws.terminate();
    const left = await a.client.nextOf('room.peerLeft', GRACE_MS + 3000);
    expect(left).toMatchObject({ peerId: b.joined.peerId, reason: 'timeout' });
    const late = await connect(t);
    const reply = await late.request({ type: 'room.resume', resumeToken: b.joined.resumeToken });
    expect(reply).toMatchObject({ type: 'error', code: 'resume_failed' });
    for (const c of [late, a.client, m.owner]) c.close();
  });

  it('refuses a forged or tampered resume token', async () => {
    const m = await hostMeeting(t);
    const a = await join(t, m, 'A');
    const [body, mac] = a.joined.resumeToken.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    claims.p = 'ffffffffffffffff';
    const forged = `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`;
    const c = await connect(t);
    expect(await c.request({ type: 'room.resume', resumeToken: forged })).toMatchObject({ type: 'error', code: 'resume_failed' });
    expect(await c.request({ type: 'room.resume', resumeToken: 'garbage' })).toMatchObject({ type: 'error', code: 'resume_failed' });
    for (const x of [c, a.client, m.owner]) x.close();
  });

  it('rebuilds a meeting after a server restart: everyone resumes with the same peer ids', async () => {
    const m = await hostMeeting(t);
    const a = await join(t, m, 'A');
    const b = await join(t, m, 'B');
    const draining = a.client.nextOf('server.draining');
    await t.restart();
    await draining;
    expect((await a.client.closed).code).toBe(1012);

    const a2 = await connect(t);
    const ra = await a2.expect('room.joined', { type: 'room.resume', resumeToken: a.joined.resumeToken });
    expect(ra.peerId).toBe(a.joined.peerId);
    const b2 = await connect(t);
    const rb = await b2.expect('room.joined', { type: 'room.resume', resumeToken: b.joined.resumeToken });
    expect(rb.peerId).toBe(b.joined.peerId);
    expect(rb.peers.map((p) => p.peerId)).toEqual([a.joined.peerId]);
    // A learns B is back (same id: an update, not a new person) and they can talk again.
    expect((await a2.nextOf('room.peerJoined')).peer.peerId).toBe(b.joined.peerId);
    b2.send({ type: 'signal', to: a.joined.peerId, data: { after: 'restart' } });
    expect((await a2.nextOf('signal')).from).toBe(b.joined.peerId);
    for (const c of [a2, b2]) c.close();
  });
});

describe('resume after "log out everywhere"', () => {
  /** The owner joins its own meeting (so it is host) from a logged-in connection. */
  async function ownerInMeeting() {
    const m = await hostMeeting(t);
    const joined = await m.owner.expect('room.joined', {
      type: 'room.join',
      meetingId: m.meetingId,
      admissionKey: m.admissionKey,
      displayName: 'Owner',
    });
    expect(joined.hostId).toBe(joined.peerId);
    return { m, joined };
  }

  it('refuses a resume token issued before the owner logged out everywhere, even in the restart window', async () => {
    const { m, joined } = await ownerInMeeting();
    const guest = await join(t, m, 'Guest');
    // Someone with the owner's resume token (a stolen laptop); the owner signs out everywhere from elsewhere.
    const elsewhere = await connect(t);
    await elsewhere.expect('account.session', { type: 'account.login', username: m.username, password: m.password });
    await elsewhere.expect('ok', { type: 'account.logoutAll' });
    await t.restart();
    await guest.client.closed;
    const g2 = await connect(t);
    await g2.expect('room.joined', { type: 'room.resume', resumeToken: guest.joined.resumeToken });

    const thief = await connect(t);
    const reply = await thief.request({ type: 'room.resume', resumeToken: joined.resumeToken });
    expect(reply).toMatchObject({ type: 'error', code: 'resume_failed' });
    // And nobody was made host by it.
    expect(g2.pending('room.hostChanged')).toEqual([]);
    for (const c of [g2, thief]) c.close();
  });

  it('refuses it without a restart too, when the owner’s connection dropped', async () => {
    const { m, joined } = await ownerInMeeting();
    const elsewhere = await connect(t);
    await elsewhere.expect('account.session', { type: 'account.login', username: m.username, password: m.password });
    m.owner.close();
    await m.owner.closed;
    await elsewhere.expect('ok', { type: 'account.logoutAll' });
    const thief = await connect(t);
    const reply = await thief.request({ type: 'room.resume', resumeToken: joined.resumeToken });
    expect(reply).toMatchObject({ type: 'error', code: 'resume_failed' });
    for (const c of [elsewhere, thief]) c.close();
  });

  it('still resumes a guest, and an owner whose sessions were not revoked', async () => {
    const { m, joined } = await ownerInMeeting();
    m.owner.close();
    await m.owner.closed;
    const back = await connect(t);
    const resumed = await back.expect('room.joined', { type: 'room.resume', resumeToken: joined.resumeToken });
    expect(resumed.hostId).toBe(joined.peerId);
    back.close();
  });
});
