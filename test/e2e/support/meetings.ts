/**
 * Meetings made over the protocol from Node, the way the host's client makes
 * them: an account reserves a meeting id, derives the keys from a fresh
 * password (the real WebCrypto derivation) and sends only the verifier.
 * Tests then join through the browser with the id and password, like guests.
 *
 * One owner account per process, registered once and resumed by its session
 * token afterwards: the server throttles registrations per address, and every
 * registration costs a slow password hash.
 */
import { deriveMeetingKeys } from '../../../src/common/crypto/meeting-keys.js';
import { generateMeetingPassword } from '../../../src/common/crypto/meeting-password.js';
import { TestClient } from '../../integration/support/test-client.js';
import { uniqueUsername } from '../../integration/support/meeting.js';

export interface Meeting {
  meetingId: string;
  /** The meeting password (what an invite carries after `#`). */
  password: string;
  /** The owner's account, to log in through the UI and join as host. */
  owner: { username: string; password: string };
}

export interface MeetingOptions {
  lobby?: boolean;
  maxParticipants?: number;
  title?: string;
}

/** Where the server is: its wss URL and the certificate to trust. */
export interface ServerAddress {
  url: string;
  ca: string;
}

/**
 * A registration is one scrypt (128 MiB, ~0.3 s on a quiet core, password-hash.ts). With the
 * 2 cores shared at a load average of 34, the e2e suite's first registration went past the
 * client's 10 s default (firefox-host-and-files, 2026-12-02); 60 s is the budget for that.
 */
const REGISTER_MS = 60_000;

const owners = new Map<string, { username: string; password: string; token: string }>();

export async function createMeeting(server: ServerAddress, options: MeetingOptions = {}): Promise<Meeting> {
  const client = await TestClient.connect(server.url, server.ca);
  try {
    let owner = owners.get(server.url);
    if (owner) {
      await client.expect('account.session', { type: 'account.resume', token: owner.token });
    } else {
      const account = { username: uniqueUsername('host'), password: 'correct horse battery staple' };
      const { token } = await client.expect('account.session', { type: 'account.register', ...account }, REGISTER_MS);
      owner = { ...account, token: token! };
      owners.set(server.url, owner);
    }
    const { meetingId } = await client.expect('meeting.reserved', { type: 'meeting.reserve' });
    const password = generateMeetingPassword();
    const { verifier } = await deriveMeetingKeys(password, meetingId);
    await client.expect('meeting.created', { type: 'meeting.create', meetingId, verifier, ...options });
    return { meetingId, password, owner: { username: owner.username, password: owner.password } };
  } finally {
    client.close();
  }
}
