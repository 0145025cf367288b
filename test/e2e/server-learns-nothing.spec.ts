/**
 * The server's side of the promise, checked on a real server process after a
 * real meeting with video and chat: its database, its logs (at debug level)
 * and a heap snapshot of its memory hold no meeting password, no end-to-end
 * key and no chat text. Positive controls make sure each place was really
 * searched: the database holds the meeting's verifier, the snapshot its id.
 */
import { hkdfSync, pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveMeetingKeys } from '../../src/common/crypto/meeting-keys.js';
import { startServerProcess, type ServerProcess } from '../integration/support/server-process.js';
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { People } from './support/people.js';
import { chatMessages, joinMeeting, openPanel, peerIdOf, sendChat } from './support/ui.js';

let dataDir: string;
let dumpDir: string;
let server: ServerProcess | null = null;
let people: People | null = null;

test.beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'merimeet-nothing-data-'));
  dumpDir = mkdtempSync(join(tmpdir(), 'merimeet-nothing-dump-'));
});

// eslint-disable-next-line no-empty-pattern -- Playwright wants the fixtures object even when none is used
test.afterEach(async ({}, testInfo) => {
  await people?.closeAll(testInfo);
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dumpDir, { recursive: true, force: true });
});

/** The meeting's end-to-end key bytes, derived here the long way (the browsers never export theirs). */
function e2eKeyBytes(password: string, meetingId: string): Buffer {
  const stretched = pbkdf2Sync(password, `merimeet/v1/meeting:${meetingId}`, 600_000, 32, 'sha256');
  return Buffer.from(hkdfSync('sha256', stretched, Buffer.alloc(0), 'merimeet/v1/e2e', 32));
}

/** Every way a secret could be spelled in a file or a dump. */
function spellings(label: string, value: string | Buffer): [string, Buffer][] {
  if (typeof value === 'string') return [[label, Buffer.from(value, 'utf8')], [`${label} (UTF-16)`, Buffer.from(value, 'utf16le')]];
  return [
    [`${label} (raw)`, value],
    [`${label} (hex)`, Buffer.from(value.toString('hex'))],
    [`${label} (base64)`, Buffer.from(value.toString('base64'))],
    [`${label} (base64url)`, Buffer.from(value.toString('base64url'))],
  ];
}

async function heapSnapshot(s: ServerProcess): Promise<Buffer> {
  s.child.kill('SIGUSR2');
  // Node writes the snapshot synchronously; wait until the file exists and stops growing.
  let last = -1;
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const file = readdirSync(dumpDir).find((f) => f.endsWith('.heapsnapshot'));
    if (!file) continue;
    const size = statSync(join(dumpDir, file)).size;
    if (size > 0 && size === last) return readFileSync(join(dumpDir, file));
    last = size;
  }
  throw new Error('the server wrote no heap snapshot');
}

test('after a meeting with chat, the server has no password, end-to-end key or chat text anywhere', async ({ browser }) => {
  test.setTimeout(180_000);
  server = await startServerProcess(dataDir, ['--log-level', 'debug'], {
    NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dumpDir}`,
  });
  const address = { url: server.url, origin: `https://${new URL(server.url).host}`, ca: server.ca };
  people = new People(browser, address);

  const meeting = await createMeeting(address);
  const chatText = `the launch code is ${Math.random().toString(36).slice(2)}`;
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  await expectVideoFlowing(bob.page, await peerIdOf(bob.page, 'Ada'));
  await openPanel(bob.page, 'Chat');
  await sendChat(ada.page, chatText);
  await expect(chatMessages(bob.page).filter({ hasText: chatText })).toHaveCount(1);

  const dump = await heapSnapshot(server);
  const logs = Buffer.from(server.output());
  const db = Buffer.concat(
    readdirSync(dataDir)
      .filter((f) => f.startsWith('merimeet.sqlite3'))
      .map((f) => readFileSync(join(dataDir, f))),
  );

  // Positive controls: the places searched are the real ones.
  const { verifier } = await deriveMeetingKeys(meeting.password, meeting.meetingId);
  expect(db.includes(Buffer.from(verifier, 'base64url')), 'the database holds the meeting verifier').toBe(true);
  expect(dump.includes(Buffer.from(meeting.meetingId)), 'the heap snapshot holds the meeting id').toBe(true);
  expect(logs.length).toBeGreaterThan(0);

  const secrets = [
    ...spellings('meeting password', meeting.password),
    ...spellings('end-to-end key', e2eKeyBytes(meeting.password, meeting.meetingId)),
    ...spellings('chat text', chatText),
  ];
  const found: string[] = [];
  for (const [place, haystack] of [['database', db], ['logs', logs], ['heap snapshot', dump]] as const) {
    for (const [what, needle] of secrets) if (haystack.includes(needle)) found.push(`${what} in the ${place}`);
  }
  expect(found).toEqual([]);
});
