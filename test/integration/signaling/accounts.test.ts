import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, hostMeeting, uniqueUsername } from '../support/meeting.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe('accounts', () => {
  it('registers, logs in, and authenticates a new connection with the session token', async () => {
    const username = uniqueUsername();
    const c = await connect(t);
    const reg = await c.expect('account.session', { type: 'account.register', username, password: 'a long passphrase' });
    expect(reg.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const taken = await c.request({ type: 'account.register', username, password: 'another passphrase' });
    expect(taken).toMatchObject({ type: 'error', code: 'username_taken' });

    const d = await connect(t);
    const resumed = await d.expect('account.session', { type: 'account.resume', token: reg.token! });
    expect(resumed).toMatchObject({ username });
    expect(resumed.token).toBeUndefined(); // a token is only ever sent once
    for (const x of [c, d]) x.close();
  });

  it('refuses a weak password with weak_password', async () => {
    const c = await connect(t);
    const reply = await c.request({ type: 'account.register', username: uniqueUsername(), password: 'short' });
    expect(reply).toMatchObject({ type: 'error', code: 'weak_password' });
    c.close();
  });

  it('logs out: the token stops working', async () => {
    const m = await hostMeeting(t);
    await m.owner.expect('ok', { type: 'account.logout' });
    const list = await m.owner.request({ type: 'meeting.list' });
    expect(list).toMatchObject({ type: 'error', code: 'unauthenticated' });
    const d = await connect(t);
    expect(await d.request({ type: 'account.resume', token: m.token })).toMatchObject({ type: 'error', code: 'session_expired' });
    for (const x of [d, m.owner]) x.close();
  });

  it('logs out everywhere: every token and every open connection of the account', async () => {
    const m = await hostMeeting(t);
    const other = await connect(t);
    const second = await other.expect('account.session', { type: 'account.login', username: m.username, password: m.password });
    await m.owner.expect('ok', { type: 'account.logoutAll' });
    expect(await other.request({ type: 'meeting.list' })).toMatchObject({ type: 'error', code: 'unauthenticated' });
    const fresh = await connect(t);
    expect(await fresh.request({ type: 'account.resume', token: second.token! })).toMatchObject({ code: 'session_expired' });
    expect(await fresh.request({ type: 'account.resume', token: m.token })).toMatchObject({ code: 'session_expired' });
    for (const x of [fresh, other, m.owner]) x.close();
  });

  it('changes the password: the old one and the old sessions stop working', async () => {
    const m = await hostMeeting(t);
    const wrong = await m.owner.request({ type: 'account.changePassword', currentPassword: 'not it at all', newPassword: 'brand new passphrase' });
    expect(wrong).toMatchObject({ type: 'error', code: 'bad_credentials' });
    const changed = await m.owner.expect('account.session', {
      type: 'account.changePassword',
      currentPassword: m.password,
      newPassword: 'brand new passphrase',
    });
    expect(changed.token).not.toBe(m.token);
    const c = await connect(t);
    expect(await c.request({ type: 'account.resume', token: m.token })).toMatchObject({ code: 'session_expired' });
    expect(await c.request({ type: 'account.login', username: m.username, password: m.password })).toMatchObject({ code: 'bad_credentials' });
    await c.expect('account.session', { type: 'account.login', username: m.username, password: 'brand new passphrase' });
    for (const x of [c, m.owner]) x.close();
  });

  it('lists and deletes only my own meetings; deleting a live meeting ends it', async () => {
    const mine = await hostMeeting(t);
    const theirs = await hostMeeting(t);
    const { meetings } = await mine.owner.expect('meeting.list', { type: 'meeting.list' });
    expect(meetings.map((x) => x.meetingId)).toEqual([mine.meetingId]);
    const notMine = await mine.owner.request({ type: 'meeting.delete', meetingId: theirs.meetingId });
    expect(notMine).toMatchObject({ type: 'error', code: 'not_found' }); // not even whether it exists

    const guest = await connect(t);
    await guest.expect('room.joined', { type: 'room.join', meetingId: mine.meetingId, admissionKey: mine.admissionKey, displayName: 'G' });
    await mine.owner.expect('ok', { type: 'meeting.delete', meetingId: mine.meetingId });
    await guest.nextOf('room.ended');
    expect((await mine.owner.expect('meeting.list', { type: 'meeting.list' })).meetings).toEqual([]);
    for (const x of [guest, mine.owner, theirs.owner]) x.close();
  });

  it('needs a log-in to create a meeting, and an id the server reserved for me', async () => {
    const anon = await connect(t);
    expect(await anon.request({ type: 'meeting.reserve' })).toMatchObject({ code: 'unauthenticated' });
    const m = await hostMeeting(t);
    const other = await hostMeeting(t);
    const { meetingId } = await other.owner.expect('meeting.reserved', { type: 'meeting.reserve' });
    const stolen = await m.owner.request({ type: 'meeting.create', meetingId, verifier: 'A'.repeat(43) });
    expect(stolen).toMatchObject({ type: 'error', code: 'not_found' });
    for (const x of [anon, m.owner, other.owner]) x.close();
  });
});
