/**
 * With PostgreSQL the store answers asynchronously, so a socket can close
 * while its request still waits for the database. Nothing of it may stay
 * behind in a meeting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostMeeting, join, sleep } from '../support/meeting.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { TestClient } from '../support/test-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let postgres: PostgresServer;
let t: TestServer;
const GRACE_MS = 300;
beforeAll(async () => {
  postgres = await startPostgres();
  t = await startTestServer({ storeUrl: await postgres.createDatabase('races'), graceMs: GRACE_MS });
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await postgres?.stop();
}, 30_000);

describe('a socket that closes while its join waits for PostgreSQL', () => {
  it('leaves no participant behind: the place lapses after the grace period, as for any dropped member', async () => {
    const m = await hostMeeting(t);
    for (let i = 0; i < 5; i++) {
      const quitter = await TestClient.connect(t.url, t.ca);
      quitter.send({ type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: `Q${i}` });
      quitter.ws.terminate(); // gone before the admission lookup can have answered
    }
    await sleep(GRACE_MS + 700); // the grace period, and time for the timeouts to be sent
    const { client, joined } = await join(t, m, 'Stayer');
    expect(joined.peers).toEqual([]);
    for (const c of [client, m.owner]) c.close();
  });
});
