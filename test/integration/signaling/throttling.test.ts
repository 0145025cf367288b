import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, hostMeeting } from '../support/meeting.js';
import { newMeetingKey } from '../support/test-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe('throttling guesses', () => {
  it('backs off a guesser of meeting passwords, and even the right key waits (no oracle)', async () => {
    const m = await hostMeeting(t);
    const guesser = await connect(t, { localAddress: '127.0.0.2' });
    const guess = () =>
      guesser.request({ type: 'room.join', meetingId: m.meetingId, admissionKey: newMeetingKey().admissionKey, displayName: 'G' });
    for (let i = 0; i < 11; i++) expect(await guess()).toMatchObject({ code: 'wrong_key' });
    const blocked = await guess();
    expect(blocked).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect((blocked as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    const right = await guesser.request({ type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'G' });
    expect(right).toMatchObject({ code: 'rate_limited' });

    // Someone elsewhere joining another meeting is not held up by this guesser.
    const other = await hostMeeting(t);
    const bystander = await connect(t, { localAddress: '127.0.0.3' });
    await bystander.expect('room.joined', { type: 'room.join', meetingId: other.meetingId, admissionKey: other.admissionKey, displayName: 'B' });

    // Once the back-off has passed, the right key gets in.
    await new Promise((r) => setTimeout(r, (blocked as { retryAfterMs: number }).retryAfterMs + 50));
    const later = await connect(t, { localAddress: '127.0.0.4' });
    await later.expect('room.joined', { type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'L' });
    expect(t.logs.filter((l) => l.includes('"admission_failed"')).length).toBeGreaterThanOrEqual(11);
    for (const c of [guesser, bystander, later, m.owner, other.owner]) c.close();
  });

  it('backs off repeated wrong log-ins for an account', async () => {
    const m = await hostMeeting(t);
    const attacker = await connect(t, { localAddress: '127.0.0.5' });
    const attempt = () => attacker.request({ type: 'account.login', username: m.username, password: 'wrong guess!' });
    for (let i = 0; i < 6; i++) expect(await attempt()).toMatchObject({ code: 'bad_credentials' });
    const blocked = await attempt();
    expect(blocked).toMatchObject({ code: 'rate_limited' });
    // The per-account pause is short (at most a minute), so a real user is never locked out for long.
    expect((blocked as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(t.logs.join('\n')).not.toContain('wrong guess!');
    for (const c of [attacker, m.owner]) c.close();
  });

  it('backs off wrong current passwords on a password change too (a stolen token is no oracle)', async () => {
    const m = await hostMeeting(t);
    const attempt = () =>
      m.owner.request({ type: 'account.changePassword', currentPassword: 'guess number n', newPassword: 'whatever new one' });
    for (let i = 0; i < 6; i++) expect(await attempt()).toMatchObject({ code: 'bad_credentials' });
    expect(await attempt()).toMatchObject({ code: 'rate_limited' });
    m.owner.close();
  });

  it('lets nobody slow other people’s joins to a meeting by failing on purpose from one address', async () => {
    const m = await hostMeeting(t);
    const attacker = await connect(t, { localAddress: '127.0.1.1' });
    const wrong = () =>
      attacker.request({ type: 'room.join', meetingId: m.meetingId, admissionKey: newMeetingKey().admissionKey, displayName: 'X' });
    // Well past the 10 free failures of the per-meeting policy, until the attacker's own address is held back.
    for (let i = 0; i < 11; i++) expect(await wrong()).toMatchObject({ code: 'wrong_key' });
    expect(await wrong()).toMatchObject({ code: 'rate_limited' });
    const joiner = await connect(t, { localAddress: '127.0.1.2' });
    await joiner.expect('room.joined', { type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'J' });
    for (const c of [attacker, joiner, m.owner]) c.close();
  });

  it('slows a guesser spread over many addresses, but lets through addresses that already got in', async () => {
    const m = await hostMeeting(t);
    const member = await connect(t, { localAddress: '127.0.2.1' });
    await member.expect('room.joined', { type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'M' });
    await member.expect('ok', { type: 'room.leave' });
    // 8 addresses, 3 wrong keys each: no address reaches its own back-off (10 free),
    // but together they pass the meeting's (engaged from the 4th address, 10 free).
    for (let a = 0; a < 8; a++) {
      const guesser = await connect(t, { localAddress: `127.0.3.${a + 1}` });
      for (let i = 0; i < 3; i++) {
        await guesser.request({ type: 'room.join', meetingId: m.meetingId, admissionKey: newMeetingKey().admissionKey, displayName: 'G' });
      }
      guesser.close();
    }
    const newcomer = await connect(t, { localAddress: '127.0.2.2' });
    // Even the right key waits for an address the meeting has not seen get in: no oracle.
    const held = await newcomer.request({ type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'N' });
    expect(held).toMatchObject({ type: 'error', code: 'rate_limited' });
    // The address that was in before comes back at once.
    await member.expect('room.joined', { type: 'room.join', meetingId: m.meetingId, admissionKey: m.admissionKey, displayName: 'M' });
    for (const c of [member, newcomer, m.owner]) c.close();
  });
});

