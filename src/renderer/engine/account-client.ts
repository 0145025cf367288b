/**
 * Account and meeting-management helpers (docs/protocol.md §5.3, §5.4, §9.2,
 * §9.3). Each call is one-shot: open a connection, authenticate it with the
 * session token if needed, do one thing, close. The home screen needs these
 * rarely, and a short-lived connection keeps the log-in off the call's socket.
 *
 * The meeting password is generated and stretched here, on the client; only
 * the verifier (SHA-256 of the admission key) goes to the server.
 */
import type { MeetingInfo, ServerMessage, ServerMessageOf, ServerMessageType } from '@merimeet/signaling/protocol';
import { deriveMeetingKeys, type MeetingKeys } from '../../common/crypto/meeting-keys.js';
import { generateMeetingPassword } from '../../common/crypto/meeting-password.js';
import { SignalingClient, SignalingError, type OutgoingMessage, type SignalingConnection, type WebSocketFactory } from './signaling-client.js';

export interface Session {
  username: string;
  /** Only after register/login: the token to keep (in the OS keychain, never a settings file). */
  token?: string;
  expiresAt: number;
}

export interface CreateMeetingOptions {
  title?: string;
  lobby?: boolean;
  maxParticipants?: number;
}

export interface CreatedMeeting {
  meetingId: string;
  /** Show it to the host and put it in the invite link's fragment; never send it to the server. */
  password: string;
  meeting: MeetingInfo;
}

export interface AccountClientOptions {
  serverUrl: string;
  createSocket?: WebSocketFactory;
  /** For tests: how to make the connection (defaults to a SignalingClient without reconnect). */
  connect?: (url: string) => SignalingConnection;
  /**
   * How a new meeting's keys are derived (default: deriveMeetingKeys). The UI
   * passes its cache, so the pre-join that follows "New meeting" finds them
   * ready instead of spending another PBKDF2 run (about 1 s) on them.
   */
  deriveKeys?: (password: string, meetingId: string) => Promise<MeetingKeys>;
}

export interface AccountClient {
  register(username: string, password: string): Promise<Session>;
  login(username: string, password: string): Promise<Session>;
  /** Checks a stored token; rejects with code `session_expired` if it is no longer valid. */
  resumeSession(token: string): Promise<Session>;
  logout(token: string): Promise<void>;
  listMeetings(token: string): Promise<MeetingInfo[]>;
  createMeeting(token: string, options?: CreateMeetingOptions): Promise<CreatedMeeting>;
  deleteMeeting(token: string, meetingId: string): Promise<void>;
}

function expect<T extends ServerMessageType>(reply: ServerMessage, type: T): ServerMessageOf<T> {
  if (reply.type !== type) throw new SignalingError('internal', `expected ${type}, got ${reply.type}`);
  return reply as ServerMessageOf<T>;
}

function toSession(m: ServerMessageOf<'account.session'>): Session {
  return m.token === undefined ? { username: m.username, expiresAt: m.expiresAt } : { username: m.username, token: m.token, expiresAt: m.expiresAt };
}

export function createAccountClient(options: AccountClientOptions): AccountClient {
  const open =
    options.connect ??
    ((url: string) =>
      new SignalingClient(options.createSocket ? { url, reconnect: false, createSocket: options.createSocket } : { url, reconnect: false }));

  /** Runs `work` on a fresh connection (logged in with `token` if given) and always closes it. */
  async function withConnection<T>(token: string | null, work: (c: SignalingConnection) => Promise<T>): Promise<T> {
    const conn = open(options.serverUrl);
    try {
      await conn.connect();
      if (token !== null) expect(await conn.request({ type: 'account.resume', token }), 'account.session');
      return await work(conn);
    } finally {
      conn.close();
    }
  }

  const req = (c: SignalingConnection, m: OutgoingMessage) => c.request(m);

  return {
    register: (username, password) =>
      withConnection(null, async (c) => toSession(expect(await req(c, { type: 'account.register', username, password }), 'account.session'))),
    login: (username, password) =>
      withConnection(null, async (c) => toSession(expect(await req(c, { type: 'account.login', username, password }), 'account.session'))),
    resumeSession: (token) =>
      withConnection(null, async (c) => toSession(expect(await req(c, { type: 'account.resume', token }), 'account.session'))),
    logout: (token) =>
      withConnection(token, async (c) => {
        expect(await req(c, { type: 'account.logout' }), 'ok');
      }),
    listMeetings: (token) =>
      withConnection(token, async (c) => expect(await req(c, { type: 'meeting.list' }), 'meeting.list').meetings),
    createMeeting: (token, opts = {}) =>
      withConnection(token, async (c) => {
        // Two steps because the key derivation is salted with the id the server picks (§4).
        const { meetingId } = expect(await req(c, { type: 'meeting.reserve' }), 'meeting.reserved');
        const password = generateMeetingPassword();
        const keys = await (options.deriveKeys ?? deriveMeetingKeys)(password, meetingId);
        const title = opts.title?.trim();
        const create: OutgoingMessage = {
          type: 'meeting.create',
          meetingId,
          verifier: keys.verifier,
          ...(title ? { title } : {}),
          ...(opts.lobby !== undefined ? { lobby: opts.lobby } : {}),
          ...(opts.maxParticipants !== undefined ? { maxParticipants: opts.maxParticipants } : {}),
        };
        const { meeting } = expect(await req(c, create), 'meeting.created');
        return { meetingId, password, meeting };
      }),
    deleteMeeting: (token, meetingId) =>
      withConnection(token, async (c) => {
        expect(await req(c, { type: 'meeting.delete', meetingId }), 'ok');
      }),
  };
}
