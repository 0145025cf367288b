import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '@merimeet/signaling/protocol';
import { createAccountClient } from './account-client.js';
import { deriveMeetingKeys } from '../../common/crypto/meeting-keys.js';
import { SignalingError, type OutgoingMessage, type SignalingConnection } from './signaling-client.js';

function fakeConnection(answer: (m: OutgoingMessage) => ServerMessage | SignalingError) {
  const log: { sent: OutgoingMessage[]; closed: number } = { sent: [], closed: 0 };
  const connect = (): SignalingConnection => ({
    state: 'open',
    connect: async () => {},
    request: async (m) => {
      log.sent.push(m);
      const r = answer(m);
      if (r instanceof SignalingError) throw r;
      return r;
    },
    send: () => true,
    onMessage: () => () => {},
    onState: () => () => {},
    onOpen: () => () => {},
    close: () => {
      log.closed++;
    },
  });
  return { log, connect };
}

const session: ServerMessage = { type: 'account.session', username: 'ada', token: 'T'.repeat(43), expiresAt: 1 };

describe('account client', () => {
  it('logs in and closes the connection', async () => {
    const { log, connect } = fakeConnection(() => session);
    const c = createAccountClient({ serverUrl: 'wss://x/ws', connect });
    expect(await c.login('ada', 'correct horse')).toEqual({ username: 'ada', token: 'T'.repeat(43), expiresAt: 1 });
    expect(log.sent).toEqual([{ type: 'account.login', username: 'ada', password: 'correct horse' }]);
    expect(log.closed).toBe(1);
  });

  it('passes the server error code through, and still closes', async () => {
    const { log, connect } = fakeConnection(() => new SignalingError('bad_credentials', 'no'));
    const c = createAccountClient({ serverUrl: 'wss://x/ws', connect });
    await expect(c.login('ada', 'wrong password')).rejects.toMatchObject({ code: 'bad_credentials' });
    expect(log.closed).toBe(1);
  });

  it('creates a meeting: reserve, derive locally, send only the verifier', async () => {
    const { log, connect } = fakeConnection((m) => {
      if (m.type === 'account.resume') return { ...session, token: undefined } as ServerMessage;
      if (m.type === 'meeting.reserve') return { type: 'meeting.reserved', meetingId: 'abc-defg-hjk', expiresAt: 1 };
      if (m.type === 'meeting.create')
        return { type: 'meeting.created', meeting: { meetingId: 'abc-defg-hjk', title: 'Standup', lobby: true, maxParticipants: 8, createdAt: 1, endedAt: null, live: 0 } };
      return new SignalingError('internal', '?');
    });
    const c = createAccountClient({ serverUrl: 'wss://x/ws', connect });
    const created = await c.createMeeting('S'.repeat(43), { title: ' Standup ', lobby: true });
    expect(created.meetingId).toBe('abc-defg-hjk');
    expect(created.password).toHaveLength(10);
    expect(log.sent.map((m) => m.type)).toEqual(['account.resume', 'meeting.reserve', 'meeting.create']);
    const create = log.sent[2] as Extract<OutgoingMessage, { type: 'meeting.create' }>;
    const keys = await deriveMeetingKeys(created.password, created.meetingId);
    expect(create).toEqual({ type: 'meeting.create', meetingId: 'abc-defg-hjk', verifier: keys.verifier, title: 'Standup', lobby: true });
    expect(JSON.stringify(log.sent)).not.toContain(created.password);
    expect(JSON.stringify(log.sent)).not.toContain(keys.admissionKey);
  });

  it('derives a new meeting’s keys with the function it was given (the UI’s cache, so pre-join does not derive them again)', async () => {
    const { connect } = fakeConnection((m) => {
      if (m.type === 'account.resume') return { ...session, token: undefined } as ServerMessage;
      if (m.type === 'meeting.reserve') return { type: 'meeting.reserved', meetingId: 'abc-defg-hjk', expiresAt: 1 };
      return { type: 'meeting.created', meeting: { meetingId: 'abc-defg-hjk', title: null, lobby: false, maxParticipants: 8, createdAt: 1, endedAt: null, live: 0 } };
    });
    const asked: string[] = [];
    const c = createAccountClient({
      serverUrl: 'wss://x/ws',
      connect,
      deriveKeys: (password, meetingId) => {
        asked.push(`${meetingId} ${password}`);
        return deriveMeetingKeys(password, meetingId);
      },
    });
    const created = await c.createMeeting('S'.repeat(43));
    expect(asked).toEqual([`abc-defg-hjk ${created.password}`]);
  });
});
