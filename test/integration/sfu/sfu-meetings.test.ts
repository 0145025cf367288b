/**
 * Meetings past the mesh limit, on two real Janus instances (Debian's janus,
 * each in its own veth namespace pair, started by this file): the move to
 * the SFU without anyone leaving, a real Chromium offer relayed to Janus and
 * its answer back, placement on the least loaded instance, a Janus killed
 * mid-meeting, and what the server refuses. Run under the shared lock.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessageOf } from '../../../signaling/src/protocol/index.js';
import { startJanus, type JanusServer } from '../support/janus-server.js';
import { anotherMeeting, hostMeeting, join, type HostedMeeting } from '../support/meeting.js';
import type { TestClient } from '../support/test-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const OFFER = readFileSync(new URL('../fixtures/chromium-publish-offer.sdp', import.meta.url), 'utf8');
const MESH_LIMIT = 3;

let janus: JanusServer[] = [];
let t: TestServer;
let host: HostedMeeting;
const apiSecret = randomBytes(24).toString('base64url');

beforeAll(async () => {
  janus = await Promise.all([startJanus({ apiSecret }), startJanus({ apiSecret })]);
  t = await startTestServer({ sfuUrls: janus.map((j) => j.url), sfuSecret: apiSecret, meshLimit: MESH_LIMIT });
  host = await hostMeeting(t, { maxParticipants: 8 });
});

afterAll(async () => {
  await t?.stop();
  await Promise.all(janus.map((j) => j.stop()));
});

/** Fills a meeting up to the mesh limit (each sees a mesh), then one more: returns all, in join order. */
async function growPastMeshLimit(meeting: HostedMeeting, extra = 1): Promise<{ clients: TestClient[]; last: ServerMessageOf<'room.joined'> }> {
  const clients: TestClient[] = [];
  for (let i = 0; i < MESH_LIMIT; i++) {
    const { client, joined } = await join(t, meeting, `mesh ${i}`);
    expect(joined.media).toBe('mesh');
    clients.push(client);
  }
  let last: ServerMessageOf<'room.joined'> | undefined;
  for (let i = 0; i < extra; i++) {
    const { client, joined } = await join(t, meeting, `sfu ${i}`);
    clients.push(client);
    last = joined;
  }
  return { clients, last: last! };
}

function placedOn(meetingId: string): number | undefined {
  const line = t.logs.map((l) => JSON.parse(l) as { event?: string; meetingId?: string; sfu?: number }).find(
    (l) => l.event === 'sfu_meeting_placed' && l.meetingId === meetingId,
  );
  return line?.sfu;
}

describe('a meeting that grows past the mesh limit', () => {
  let clients: TestClient[];
  /** Peer ids in join order. */
  let grownIds: string[];

  it('moves to the SFU: everyone already in is told, nobody leaves, the newcomer joins on the SFU', async () => {
    const started = Date.now();
    const grown = await growPastMeshLimit(host);
    clients = grown.clients;
    grownIds = [...grown.last.peers.map((p) => p.peerId), grown.last.peerId];
    expect(grown.last.media).toBe('sfu');
    expect(grown.last.peers).toHaveLength(MESH_LIMIT);
    for (const member of clients.slice(0, MESH_LIMIT)) {
      await member.nextOf('sfu.moved');
      expect(member.pending('room.peerLeft')).toEqual([]);
    }
    expect(placedOn(host.meetingId)).toBe(0);
    // Measured 46–159 ms (four runs) for the four joins and the Janus room; 2 s budget.
    const took = Date.now() - started;
    console.log(`sfu: grown past the mesh limit in ${took} ms`);
    expect(took).toBeLessThan(2_000);
  });

  it("relays a member's offer to Janus and Janus's answer back", async () => {
    const [publisher, , , subscriber] = clients as [TestClient, TestClient, TestClient, TestClient];
    const started = Date.now();
    const answer = await publisher.expect('sfu.answer', { type: 'sfu.publish', jsep: { type: 'offer', sdp: OFFER } });
    // Measured 12 ms for the relay and Janus's answer to a 3-layer simulcast offer (the whole test: 26–44 ms in
    // three earlier runs); 2 s budget.
    const took = Date.now() - started;
    console.log(`sfu: offer relayed and answered in ${took} ms`);
    expect(took).toBeLessThan(2_000);
    expect(answer.jsep.sdp).toMatch(/^v=0/);
    // Janus's own DTLS certificate and its media address on the veth link: a real Janus answered.
    expect(answer.jsep.sdp).not.toContain(OFFER.match(/a=fingerprint:\S+ (\S+)/)![1]);
    expect(answer.jsep.sdp).toContain(janus[0]!.network.sfuAddress);
    expect(answer.jsep.sdp).toMatch(/a=simulcast:recv h;m;l/);

    // Janus forwards a feed only once its media is up (webrtcup); with no browser on the other end, it is not,
    // so nobody is told of a feed and a subscription to it is refused without asking Janus.
    expect(subscriber.pending('sfu.feeds')).toEqual([]);
    const early = await subscriber.request({ type: 'sfu.subscribe', feeds: [grownIds[0]!] });
    expect(early).toMatchObject({ type: 'error', code: 'sfu_refused' });
  });

  it('refuses what is malformed or out of place, each with its own code', async () => {
    const [publisher, subscriber, other] = clients as [TestClient, TestClient, TestClient];
    const refusal = async (client: TestClient, message: Parameters<TestClient['request']>[0]) => {
      const reply = await client.request(message);
      return reply.type === 'error' ? { code: reply.code, message: reply.message } : reply;
    };
    expect(await refusal(publisher, { type: 'sfu.publish', jsep: { type: 'answer', sdp: OFFER } } as never)).toMatchObject({
      code: 'bad_message',
      message: expect.stringContaining('jsep.type'),
    });
    expect(await refusal(publisher, { type: 'sfu.publish', jsep: { type: 'offer', sdp: 'hello' } })).toMatchObject({
      code: 'bad_message',
      message: expect.stringContaining('v=0'),
    });
    const twice = ['0123456789abcdef', '0123456789abcdef'];
    expect(await refusal(subscriber, { type: 'sfu.subscribe', feeds: twice })).toMatchObject({ code: 'bad_message', message: expect.stringContaining('twice') });
    // Not a publisher in this meeting: Janus is never asked.
    expect(await refusal(other, { type: 'sfu.subscribe', feeds: ['0123456789abcdef'] })).toMatchObject({ code: 'sfu_refused' });
    expect(await refusal(other, { type: 'sfu.start', jsep: { type: 'answer', sdp: 'v=0\r\n' } })).toMatchObject({ code: 'sfu_refused' });
    expect(await refusal(other, { type: 'sfu.trickle', pc: 'publisher', candidate: null })).toMatchObject({ code: 'sfu_refused' });
    // A screen must be a video section Janus takes from this offer: not the audio one, not a mid the offer lacks.
    for (const screen of ['0', '7']) {
      expect(await refusal(publisher, { type: 'sfu.publish', jsep: { type: 'offer', sdp: OFFER }, screen }), screen).toMatchObject({ code: 'sfu_refused' });
    }
    // Janus itself refuses an SDP that only looks like one.
    expect(await refusal(other, { type: 'sfu.publish', jsep: { type: 'offer', sdp: 'v=0\r\nnonsense\r\n' } })).toMatchObject({ code: 'sfu_refused' });
    // A mesh meeting has no SFU side.
    const mesh = await anotherMeeting(host);
    const { client: alone } = await join(t, mesh, 'alone');
    expect(await refusal(alone, { type: 'sfu.publish', jsep: { type: 'offer', sdp: OFFER } })).toMatchObject({ code: 'not_on_sfu' });
    alone.close();
  });

  it('places the next meetings on the least loaded Janus', async () => {
    // Meeting 1 has MESH_LIMIT + 1 people on Janus 0. Meeting 2 goes to the empty Janus 1.
    const second = await anotherMeeting(host);
    await growPastMeshLimit(second);
    expect(placedOn(second.meetingId)).toBe(1);
    // One more in meeting 1: Janus 0 now carries more than Janus 1, so meeting 3 goes to 1 as well.
    clients.push((await join(t, host, 'one more')).client);
    const third = await anotherMeeting(host);
    await growPastMeshLimit(third);
    expect(placedOn(third.meetingId)).toBe(1);
  });

  it('rebuilds the rooms of a Janus that is killed mid-meeting on a live one, and tells every member to republish', async () => {
    const killed = Date.now();
    await janus[0]!.kill('SIGKILL');
    for (const member of clients) await member.nextOf('sfu.republish', 5_000);
    const told = Date.now() - killed;
    // The budget is media back within 5 s; telling members is the server's share, measured 12 ms
    // (the whole test, kill to restart and placement: 275–936 ms in three passing runs); 2 s budget.
    console.log(`sfu: every member told to republish ${told} ms after SIGKILL`);
    expect(told).toBeLessThan(2_000);
    const rebuilt = t.logs.map((l) => JSON.parse(l) as { event?: string; meetingId?: string; sfu?: number }).find(
      (l) => l.event === 'sfu_meeting_rebuilt' && l.meetingId === host.meetingId,
    );
    expect(rebuilt?.sfu).toBe(1);
    // Publishing works again, on the other Janus.
    const answer = await clients[0]!.expect('sfu.answer', { type: 'sfu.publish', jsep: { type: 'offer', sdp: OFFER } });
    expect(answer.jsep.sdp).toContain(janus[1]!.network.sfuAddress);
    // The killed one comes back and is used again (the server retries with back-off, 250 ms doubling to 5 s).
    const before = t.logs.length;
    const restarted = Date.now();
    await janus[0]!.start();
    const backUp = () => t.logs.slice(before).some((l) => l.includes('"sfu_up"') && l.includes('"sfu":0'));
    while (!backUp() && Date.now() - restarted < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(backUp()).toBe(true);
    console.log(`sfu: Janus 0 back in use ${Date.now() - restarted} ms after its restart began`);
    const fourth = await anotherMeeting(host);
    await growPastMeshLimit(fourth);
    expect(placedOn(fourth.meetingId)).toBe(0);
  });

  it('never logs the API secret, and never sends it to a client', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    for (const line of t.logs) expect(line).not.toContain(apiSecret);
    for (const member of clients) for (const message of member.received) expect(JSON.stringify(message)).not.toContain(apiSecret);
  });
});
