/**
 * Getting the load clients into meetings of `size`: through the real
 * protocol on meriMeet (one account, reserve + create per meeting, guests join
 * with the admission key), through a room name in the URL on the bare relay.
 * Either way client i sends to the next member of its meeting, in a ring.
 */
import { createHash, randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { mapLimit } from '../support/stats.js';
import { openSocket, Rpc, type Endpoint } from './connect.js';
import type { LoadClient } from './load.js';
import type { ServerUnderTest } from './servers.js';

export interface MeetingOptions {
  clients: number;
  size: number;
  concurrency: number;
  log(line: string): void;
}

/**
 * Set-up requests per owner connection. Each connection has the server's
 * token bucket (50 messages/s, burst 200 by default); staying well inside
 * the burst means set-up never waits for it.
 */
const REQUESTS_PER_OWNER = 100;
/** The server lets one account hold 20 unused meeting-id reservations; each owner connection holds at most one. */
const MAX_OWNERS = 10;

export async function joinMeriMeet(server: Endpoint, o: MeetingOptions): Promise<LoadClient[]> {
  const meetings = o.clients / o.size;
  const owners = await ownerConnections(server, Math.min(MAX_OWNERS, Math.ceil((2 * meetings) / REQUESTS_PER_OWNER)));
  const keys: { meetingId: string; admissionKey: string }[] = [];
  try {
    // Each owner connection creates every owners.length-th meeting, one request at a time.
    await Promise.all(
      owners.map(async (owner, k) => {
        for (let m = k; m < meetings; m += owners.length) keys[m] = await createMeeting(owner, o.size);
      }),
    );
  } finally {
    for (const owner of owners) owner.ws.close();
  }
  o.log(`  ${meetings} meetings created; joining ${o.clients} clients`);

  const joined = await mapLimit(o.clients, o.concurrency, async (i) => {
    // Source addresses after the owners' (sourceAddress spreads by index).
    const rpc = new Rpc(await openSocket(server, i + owners.length));
    const reply = await rpc.request({
      type: 'room.join',
      ...keys[Math.floor(i / o.size)]!,
      displayName: `bench ${i}`,
    });
    if (reply.type !== 'room.joined') throw new Error(`room.join: got ${String(reply.type)}`);
    return { ws: rpc.detach(), peerId: reply.peerId as string };
  });
  return ring(joined.map((j) => j.ws), (i) => joined[i]!.peerId, o.size);
}

async function ownerConnections(server: Endpoint, count: number): Promise<Rpc[]> {
  const first = new Rpc(await openSocket(server, 0));
  // One registration only: it costs a real scrypt hash (N=2^17) on the server.
  const session = await first.request({
    type: 'account.register',
    username: `bench-${randomBytes(4).toString('hex')}`,
    password: 'bench correct horse battery',
  });
  const token = session.token as string;
  const more = await Promise.all(
    Array.from({ length: count - 1 }, async (_, k) => {
      const rpc = new Rpc(await openSocket(server, k + 1));
      await rpc.request({ type: 'account.resume', token });
      return rpc;
    }),
  );
  return [first, ...more];
}

async function createMeeting(owner: Rpc, size: number): Promise<{ meetingId: string; admissionKey: string }> {
  const { meetingId } = (await owner.request({ type: 'meeting.reserve' })) as { meetingId: string };
  // A real client derives the admission key from the meeting password; random is as good here.
  const key = randomBytes(32);
  const verifier = createHash('sha256').update(key).digest('base64url');
  await owner.request({ type: 'meeting.create', meetingId, verifier, maxParticipants: Math.max(2, size) });
  return { meetingId, admissionKey: key.toString('base64url') };
}

export async function joinBareRelay(server: ServerUnderTest, o: MeetingOptions): Promise<LoadClient[]> {
  const sockets = await mapLimit(o.clients, o.concurrency, (i) =>
    openSocket(server, i, 30_000, `${server.url}?room=r${Math.floor(i / o.size)}`),
  );
  // The bare relay picks the receiver itself; `to` only keeps the frame the same size as meriMeet's.
  return ring(sockets, (i) => i.toString(16).padStart(16, '0'), o.size);
}

/** Client i addresses the next member of its meeting (the last one wraps to the first). */
function ring(sockets: WebSocket[], idOf: (i: number) => string, size: number): LoadClient[] {
  return sockets.map((ws, i) => {
    const first = i - (i % size);
    return { ws, to: idOf(first + ((i - first + 1) % size)) };
  });
}
