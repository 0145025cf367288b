/**
 * TURN credentials (TURN REST API) in room.joined, and their refresh with
 * `ice.refresh` before they expire: members only, a fresh expiry, the same
 * relay URLs, and a credential coturn would accept (HMAC-SHA1 of the username
 * under the shared secret).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
