import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueUsername } from '../support/meeting.js';
import { startServerProcess } from '../support/server-process.js';
import { newMeetingKey, TestClient } from '../support/test-client.js';
import { tempDataDir } from '../support/test-server.js';

const dataDir = tempDataDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('restart', () => {
  it('keeps accounts, meetings, sessions and the certificate across a kill -9', async () => {
    const first = await startServerProcess(dataDir);
    const c = await TestClient.connect(first.url, first.ca);
    const username = uniqueUsername();
    const password = 'survives restarts';
    const session = await c.expect('account.session', { type: 'account.register', username, password });
    const { meetingId } = await c.expect('meeting.reserved', { type: 'meeting.reserve' });
    const key = newMeetingKey();
    await c.expect('meeting.created', { type: 'meeting.create', meetingId, verifier: key.verifier, title: 'Standup' });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startServerProcess(dataDir);
    expect(second.fingerprint).toBe(first.fingerprint); // same certificate, so pins still hold
    const d = await TestClient.connect(second.url, second.ca);
    expect(await d.expect('account.session', { type: 'account.resume', token: session.token! })).toMatchObject({ username });
    const { meetings } = await d.expect('meeting.list', { type: 'meeting.list' });
    expect(meetings).toMatchObject([{ meetingId, title: 'Standup', endedAt: null }]);
    const e = await TestClient.connect(second.url, second.ca);
    await e.expect('account.session', { type: 'account.login', username, password });
    await e.expect('room.joined', { type: 'room.join', meetingId, admissionKey: key.admissionKey, displayName: 'Back' });
    d.close();
    e.close();

    // SIGTERM drains: clients are told to come back, and the process exits cleanly.
    const f = await TestClient.connect(second.url, second.ca);
    const told = f.nextOf('server.draining');
    second.child.kill('SIGTERM');
    await told;
    expect((await f.closed).code).toBe(1012);
    expect((await second.exited).code).toBe(0);
  });
});
