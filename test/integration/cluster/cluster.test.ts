/**
 * Three instances behind HAProxy, sharing PostgreSQL and NATS, all started
 * and stopped by this file (test/integration/support/cluster.ts). What the
 * cluster must give that one server gives alone: accounts and meetings
 * anywhere, throttles that spreading over instances does not get around,
 * and a clear degraded state, never a crash, while PostgreSQL or NATS is down.
 */
import { connect as natsConnect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConnectOptions } from '../../../signaling/src/cluster/nats-options.js';
import { startCluster, untilHealth, healthOf, type Cluster } from '../support/cluster.js';
import { uniqueUsername } from '../support/meeting.js';
import { newMeetingKey, TestClient } from '../support/test-client.js';

let cluster: Cluster;
// PostgreSQL's initdb, nats-server, three tsx start-ups and HAProxy: ~15 s idle, up to ~60 s under the whole suite.
beforeAll(async () => {
  cluster = await startCluster(3);
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** Health checks run every second on each instance, and HAProxy's every 500 ms: a few seconds covers a change. */
const HEALTH_CHANGE_BUDGET_MS = 15_000;

const direct = (i: number, options?: Parameters<typeof TestClient.connect>[2]) => TestClient.connect(cluster.instances[i]!.url, '', options);

async function registerHost(client: TestClient) {
  const username = uniqueUsername('host');
  const password = 'correct horse battery';
  const session = await client.expect('account.session', { type: 'account.register', username, password });
  const { meetingId } = await client.expect('meeting.reserved', { type: 'meeting.reserve' });
  const { admissionKey, verifier } = newMeetingKey();
  await client.expect('meeting.created', { type: 'meeting.create', meetingId, verifier });
  return { username, password, token: session.token!, meetingId, admissionKey };
}

/** Death of a home noticed (3.5 s of silence, a 1 s sweep) and its members closed: 5 s idle; doubled for a loaded machine. */
const HOME_LOSS_BUDGET_MS = 10_000;

function withBudget<T>(promise: Promise<T>, budgetMs: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${budgetMs} ms`)), budgetMs))]);
}

/** Signals each member sends to each other member in the relay checks: well inside the 200-message burst. */
const SIGNALS_PER_PAIR = 30;

interface Present {
  client: TestClient;
  peerId: string;
  resumeToken: string;
}

/** A meeting whose host joins on instance 0 (its home) and one guest on each of instances 1 and 2. */
async function meetingAcrossInstances(first = 0): Promise<{ meetingId: string; admissionKey: string; members: Present[] }> {
  const host = await registerHost(await direct(first));
  const members: Present[] = [];
  for (const i of [first, (first + 1) % 3, (first + 2) % 3]) {
    const client = await direct(i);
    const joined = await client.expect('room.joined', { type: 'room.join', meetingId: host.meetingId, admissionKey: host.admissionKey, displayName: `On ${i}` });
    expect(joined.peers.map((p) => p.peerId).sort()).toEqual(members.map((m) => m.peerId).sort());
    for (const m of members) expect(await m.client.nextOf('room.peerJoined')).toMatchObject({ peer: { peerId: joined.peerId } });
    members.push({ client, peerId: joined.peerId, resumeToken: joined.resumeToken });
  }
  return { meetingId: host.meetingId, admissionKey: host.admissionKey, members };
}

/** Every member sends SIGNALS_PER_PAIR numbered signals to every other; each must get each sender's, all, once, in order. */
async function exchangeSignals(members: Present[]): Promise<void> {
  for (const sender of members) {
    for (let n = 0; n < SIGNALS_PER_PAIR; n++) {
      for (const to of members) if (to !== sender) sender.client.send({ type: 'signal', to: to.peerId, data: { n } });
    }
  }
  for (const receiver of members) {
    const got = new Map<string, number[]>();
    for (let k = 0; k < SIGNALS_PER_PAIR * (members.length - 1); k++) {
      const signal = await receiver.client.nextOf('signal');
      got.set(signal.from, [...(got.get(signal.from) ?? []), (signal.data as { n: number }).n]);
    }
    const inOrder = Array.from({ length: SIGNALS_PER_PAIR }, (_, n) => n);
    for (const sender of members) if (sender !== receiver) expect(got.get(sender.peerId)).toEqual(inOrder);
  }
  // Nothing more (no duplicate) arrives after a round trip through every instance.
  for (const m of members) await m.client.expect('pong', { type: 'ping' });
  await new Promise((r) => setTimeout(r, 200));
  for (const m of members) expect(m.client.pending('signal')).toEqual([]);
}

describe('a cluster of three', () => {
  it('is healthy behind the load balancer, and an account or meeting made on one instance works on every other', async () => {
    await untilHealth(cluster.instances, 'ok', HEALTH_CHANGE_BUDGET_MS);
    const first = await direct(0);
    const host = await registerHost(first);
    const second = await direct(1);
    await second.expect('account.session', { type: 'account.login', username: host.username, password: host.password });
    const third = await direct(2);
    await third.expect('account.session', { type: 'account.resume', token: host.token });
    const list = await third.expect('meeting.list', { type: 'meeting.list' });
    expect(list.meetings.map((m) => m.meetingId)).toEqual([host.meetingId]);
    // Through the load balancer, whichever instance it picks, the meeting admits with its key.
    for (let i = 0; i < 3; i++) {
      const guest = await TestClient.connect(cluster.balancer.url, '');
      await guest.expect('room.joined', { type: 'room.join', meetingId: host.meetingId, admissionKey: host.admissionKey, displayName: `G${i}` });
      guest.close();
    }
    for (const c of [first, second, third]) c.close();
  });

  it('throttles password guesses spread over the three instances as one server would', async () => {
    const host = await registerHost(await direct(0));
    // One guesser address, a connection to each instance, guesses in turn (one server allows 10, then backs off).
    const guessers = await Promise.all([0, 1, 2].map((i) => direct(i, { localAddress: '127.0.0.9' })));
    const guess = (i: number) =>
      guessers[i % 3]!.request({ type: 'room.join', meetingId: host.meetingId, admissionKey: newMeetingKey().admissionKey, displayName: 'G' });
    // A failure reaches the other instances over NATS in ~1 ms on loopback; 100 ms between guesses covers a
    // loaded machine, and keeps the check after the 11th inside the first back-off (1 s, POLICIES.admissionPerAddress).
    for (let i = 0; i < 11; i++) {
      expect(await guess(i)).toMatchObject({ code: 'wrong_key' });
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 11; i < 14; i++) expect(await guess(i)).toMatchObject({ type: 'error', code: 'rate_limited' });
    // Even the right key waits on every instance: no oracle.
    const right = await guessers[1]!.request({ type: 'room.join', meetingId: host.meetingId, admissionKey: host.admissionKey, displayName: 'G' });
    expect(right).toMatchObject({ code: 'rate_limited' });
    for (const g of guessers) g.close();
  });

  it('one meeting with a member on each instance: presence seen by all, signals relayed in order, none lost or duplicated', async () => {
    const { members } = await meetingAcrossInstances();
    // Presence: a change on one instance reaches the two others.
    members[2]!.client.send({ type: 'presence.update', muted: true });
    for (const m of members.slice(0, 2)) {
      expect(await m.client.nextOf('room.peerUpdated')).toMatchObject({ peer: { peerId: members[2]!.peerId, muted: true } });
    }
    await exchangeSignals(members);
    // Leaving from one instance is seen on the others, once.
    await members[1]!.client.request({ type: 'room.leave' });
    for (const m of [members[0]!, members[2]!]) {
      expect(await m.client.nextOf('room.peerLeft')).toEqual({ type: 'room.peerLeft', peerId: members[1]!.peerId, reason: 'left' });
    }
    for (const m of members) m.client.close();
  });

  it('drops malformed events on the cluster bus with a log line, and applies none of them', async () => {
    // One that holds the NATS credentials (a strayed or compromised member): strangers are refused by NATS (nats-auth.test.ts).
    const intruder = await natsConnect(natsConnectOptions(cluster.nats.url));
    const subject = 'merimeet.v1.throttles';
    const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
    intruder.publish(subject, encode('not json {'));
    intruder.publish(subject, encode({ from: 'nope', kind: 'admissionPerAddress', op: 'failure', args: ['127.0.0.8'] }));
    intruder.publish(subject, encode({ from: 'aaaaaaaaaaaaaaaa', kind: 'x', op: 'y', args: ['z'.repeat(10_000)] }));
    await intruder.flush();
    await intruder.close();
    // Delivery is ~1 ms on loopback; the instances log at debug level to stdout, read here.
    await new Promise((r) => setTimeout(r, 500));
    for (const instance of cluster.instances) {
      expect(instance.process.output().match(/"cluster_event_dropped"/g)?.length).toBe(3);
      expect(instance.process.child.exitCode).toBeNull();
    }
  });

  it('says degraded while nats-server is down, keeps serving, and recovers when it is back', async () => {
    await cluster.nats.stopForNow();
    await untilHealth(cluster.instances, 'degraded', HEALTH_CHANGE_BUDGET_MS);
    const health = await healthOf(cluster.instances[0]!.port);
    expect(health.status).toBe(503);
    expect(health.body.problems?.join()).toMatch(/NATS/);
    // Accounts and meetings do not depend on NATS: an instance alone still serves them.
    const client = await direct(0);
    await registerHost(client);
    await cluster.nats.start();
    await untilHealth(cluster.instances, 'ok', HEALTH_CHANGE_BUDGET_MS);
    for (const instance of cluster.instances) expect(instance.process.child.exitCode).toBeNull();
    client.close();
  });

  it('says degraded while PostgreSQL is down, answers requests with an error instead of crashing, and recovers', async () => {
    const client = await direct(1);
    const host = await registerHost(client);
    await cluster.postgres.stopForNow();
    await untilHealth(cluster.instances, 'degraded', HEALTH_CHANGE_BUDGET_MS);
    expect((await healthOf(cluster.instances[1]!.port)).body.problems?.join()).toMatch(/store unreachable/);
    const meanwhile = await client.request({ type: 'meeting.list' });
    expect(meanwhile).toMatchObject({ type: 'error', code: 'internal' });
    await cluster.postgres.start();
    await untilHealth(cluster.instances, 'ok', HEALTH_CHANGE_BUDGET_MS);
    const after = await client.expect('meeting.list', { type: 'meeting.list' });
    expect(after.meetings.map((m) => m.meetingId)).toEqual([host.meetingId]);
    for (const instance of cluster.instances) expect(instance.process.child.exitCode).toBeNull();
    expect(cluster.instances[1]!.process.output()).toContain('"degraded"');
    client.close();
  });

  it('kill -9 of the home of a live meeting: everyone resumes on the others with the same peer ids, no one is seen leaving', async () => {
    // The host joins first on instance 2, so instance 2 is the meeting's home.
    const { members } = await meetingAcrossInstances(2);
    const [onHome, ...onEdges] = members as [Present, Present, Present];
    const ids = new Set(members.map((m) => m.peerId));
    const victim = cluster.instances[2]!;
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    // The edges hear no beat from the home for SILENCE_MS (3.5 s) and close its members with 1012, within a second more.
    for (const m of onEdges) expect((await withBudget(m.client.closed, HOME_LOSS_BUDGET_MS, 'edge closes its clients')).code).toBe(1012);
    const back: Present[] = [];
    const resume = async (m: Present, client: TestClient) => {
      const joined = await client.expect('room.joined', { type: 'room.resume', resumeToken: m.resumeToken });
      expect(joined).toMatchObject({ peerId: m.peerId, resumed: true });
      back.push({ client, peerId: joined.peerId, resumeToken: joined.resumeToken });
    };
    // Edge members resume where they were; the home's member comes back through the load balancer (HAProxy has
    // taken the dead instance out by now: two failed checks 500 ms apart).
    await resume(onEdges[0], await direct(0));
    await resume(onEdges[1], await direct(1));
    await resume(onHome, await TestClient.connect(cluster.balancer.url, ''));
    // No one left, and a peerJoined names only someone already known (protocol.md: an update, not a second person).
    for (const m of back) {
      expect(m.client.pending('room.peerLeft')).toEqual([]);
      for (const joined of m.client.pending('room.peerJoined')) expect(ids.has((joined as { peer: { peerId: string } }).peer.peerId)).toBe(true);
    }
    await exchangeSignals(back);
    for (const m of back) m.client.close();
  });

  it('keeps serving through the load balancer when one instance is killed with SIGKILL', async () => {
    const victim = cluster.instances[2]!;
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    // HAProxy takes it out after two failed checks 500 ms apart; meanwhile a connection may land on it and fail.
    await new Promise((r) => setTimeout(r, 2000));
    for (let i = 0; i < 4; i++) {
      const client = await TestClient.connect(cluster.balancer.url, '');
      await client.expect('pong', { type: 'ping' });
      client.close();
    }
    for (const instance of cluster.instances.slice(0, 2)) expect(instance.process.child.exitCode).toBeNull();
  });
});
