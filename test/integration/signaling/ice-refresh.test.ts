/**
 * TURN credentials (TURN REST API) in room.joined, and their refresh with
 * `ice.refresh` before they expire: members only, a fresh expiry, the same
 * relay URLs, and a credential coturn would accept (HMAC-SHA1 of the username
 * under the shared secret).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ICE_REFRESH_BURST } from '../../../signaling/src/security/ice-refresh-limit.js';
import { connect, hostMeeting, join, sleep, type HostedMeeting } from '../support/meeting.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SECRET = 'turn-shared-secret';
let t: TestServer;
let meeting: HostedMeeting;

beforeAll(async () => {
  t = await startTestServer({ turnUrls: ['turn:127.0.0.1:3478?transport=udp'], turnSecret: SECRET, turnTtlSeconds: 600 });
  meeting = await hostMeeting(t);
});
afterAll(() => t.stop());

const expiryOf = (username: string) => Number(username.split(':')[0]);

describe('ice.refresh', () => {
  it('hands a member fresh TURN credentials with their lifetime', async () => {
    const { client, joined } = await join(t, meeting, 'Alice');
    expect(joined.iceTtlMs).toBe(600_000);
    const first = joined.iceServers.find((s) => s.username !== undefined)!;
    expect(first.username).toBe(`${expiryOf(first.username!)}:${joined.peerId}`);
    await sleep(1100); // the expiry has a resolution of one second
    const fresh = await client.expect('ice.servers', { type: 'ice.refresh' });
    expect(fresh.iceTtlMs).toBe(600_000);
    const turn = fresh.iceServers.find((s) => s.username !== undefined)!;
    expect(turn.urls).toEqual(first.urls);
    expect(expiryOf(turn.username!)).toBeGreaterThan(expiryOf(first.username!));
    expect(expiryOf(turn.username!) * 1000).toBeGreaterThan(Date.now() + 590_000);
    expect(turn.credential).toBe(createHmac('sha1', SECRET).update(turn.username!).digest('base64'));
    client.close();
  });

  it('refuses anyone who is not a member', async () => {
    const c = await connect(t);
    expect(await c.request({ type: 'ice.refresh' })).toMatchObject({ type: 'error', code: 'not_joined' });
    c.close();
  });

  it('has an allowance of its own: a burst, then ice_refresh_limited with the time to wait', async () => {
    const { client } = await join(t, meeting, 'Looper');
    for (let i = 0; i < ICE_REFRESH_BURST; i++) await client.expect('ice.servers', { type: 'ice.refresh' });
    const refused = await client.request({ type: 'ice.refresh' });
    expect(refused).toMatchObject({ type: 'error', code: 'ice_refresh_limited' });
    // --turn-ttl 600 here: a refill a minute (security/ice-refresh-limit.ts).
    const wait = refused.type === 'error' ? (refused.retryAfterMs ?? 0) : 0;
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    // Only ice.refresh is held back: the connection is otherwise served.
    expect((await client.request({ type: 'ping' })).type).toBe('pong');
    // And only on this connection.
    const other = await join(t, meeting, 'Other');
    await other.client.expect('ice.servers', { type: 'ice.refresh' });
    for (const c of [client, other.client]) c.close();
  });
});
