/** Short-hands for the steps most tests start with: an account, a meeting, people in it. */
import { randomBytes } from 'node:crypto';
import type { ServerMessageOf } from '../../../signaling/src/protocol/index.js';
import { newMeetingKey, TestClient } from './test-client.js';
import type { TestServer } from './test-server.js';

export interface HostedMeeting {
  owner: TestClient;
  username: string;
  password: string;
  token: string;
  meetingId: string;
  admissionKey: string;
}

export function uniqueUsername(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function connect(t: TestServer, options?: Parameters<typeof TestClient.connect>[2]): Promise<TestClient> {
  return TestClient.connect(t.url, t.ca, options);
}

type MeetingOptions = { lobby?: boolean; maxParticipants?: number; title?: string };

/** Registers an account on a new connection and creates a meeting with it (the owner does not join). */
export async function hostMeeting(t: TestServer, options: MeetingOptions = {}): Promise<HostedMeeting> {
  const owner = await connect(t);
  const username = uniqueUsername('host');
  const password = 'correct horse battery';
  const session = await owner.expect('account.session', { type: 'account.register', username, password });
  const created = await createMeeting(owner, options);
  return { owner, username, password, token: session.token!, ...created };
}

/** Another meeting for an owner who is already logged in (no new account, no slow hash). */
export async function anotherMeeting(
  host: HostedMeeting,
  options: MeetingOptions = {},
): Promise<HostedMeeting> {
  return { ...host, ...(await createMeeting(host.owner, options)) };
}

async function createMeeting(owner: TestClient, options: MeetingOptions) {
  const { meetingId } = await owner.expect('meeting.reserved', { type: 'meeting.reserve' });
  const { admissionKey, verifier } = newMeetingKey();
  await owner.expect('meeting.created', { type: 'meeting.create', meetingId, verifier, ...options });
  return { meetingId, admissionKey };
}

/** Joins on a new connection and expects to get straight in. */
export async function join(
  t: TestServer,
  meeting: { meetingId: string; admissionKey: string },
  displayName: string,
  client?: TestClient,
): Promise<{ client: TestClient; joined: ServerMessageOf<'room.joined'> }> {
  const c = client ?? (await connect(t));
  const joined = await c.expect('room.joined', {
    type: 'room.join',
    meetingId: meeting.meetingId,
    admissionKey: meeting.admissionKey,
    displayName,
  });
  return { client: c, joined };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
