/**
 * Files go peer to peer over the data channel, end-to-end encrypted: the
 * receiver accepts first, sees progress, and can save only a verified copy.
 * Decline and cancel leave nothing in the browser's storage; a hostile name
 * arrives harmless.
 */
import { randomBytes } from 'node:crypto';
import { test, expect } from './support/fixtures.js';
import { acceptFile, dropFile, incomingFiles, progressSeen, recordProgress, saveFile, sendFile, sha256, transfer } from './support/files.js';
import { createMeeting } from './support/meetings.js';
import type { Person } from './support/people.js';
import { chatMessages, joinMeeting, openPanel, peerIdOf, sendChat, tile } from './support/ui.js';

const MiB = 1024 * 1024;

async function meetingOf(people: { open(name: string): Promise<Person> }, server: Parameters<typeof createMeeting>[0], names: string[]): Promise<Person[]> {
  const meeting = await createMeeting(server);
  const everyone: Person[] = [];
  for (const name of names) {
    const p = await people.open(name);
    // Cameras off: these tests are about files. With three people sending 720p video on a 2-core
    // box, encoding and decoding starve the data channels (20 MiB took 54 s quiet, and crawled at
    // ~250 KB/s with a CPU hog on one core); throughput is the `files` benchmark's job.
    await joinMeeting(p.page, meeting, name, 'in-call', { cameraOff: true });
    everyone.push(p);
  }
  // Files go peer to peer: wait until everyone is connected to everyone (video may show before).
  for (const p of everyone) {
    for (const other of everyone) {
      if (other === p) continue;
      await peerIdOf(p.page, other.name);
      await expect(tile(p.page, other.name)).toContainText('Connection:');
    }
  }
  return everyone;
}

/**
 * 8 MiB: 64 chunks to each of two people, enough for progress between 0 and the end to show on
 * both sides (throughput is the `files` benchmark's job). With 20 MiB, measured on 2 cores (all
 * three people in one Chromium, so one network thread carries both ends of every channel): accept
 * → both verified in 15.7 s quiet and 32.3 s with `stress-ng --cpu 1`; the whole test 34–49 s
 * quiet, 60–90 s hogged, and 126 s in a CI run of 2026-12-02, the suite's longest. Budgets kept
 * from then: over 3× and 2.7× the loaded figures for 2.5 times less data.
 */
const FILE_BYTES = 8 * MiB;
const RECEIVED_MS = 100_000;
const TEST_MS = 240_000;

test('an 8 MiB file reaches two people, verified, with progress shown on both sides', async ({ people, server }) => {
  test.setTimeout(TEST_MS);
  const [ada, bob, cyd] = await meetingOf(people, server, ['Ada', 'Bob', 'Cyd']);
  const data = randomBytes(FILE_BYTES);
  for (const p of [ada!, bob!, cyd!]) await recordProgress(p.page);

  await sendFile(ada!.page, { name: 'quarterly-report.pdf', buffer: data });
  for (const p of [bob!, cyd!]) {
    await expect(transfer(ada!.page, 'quarterly-report.pdf', `to ${p.name}`)).toContainText(`Waiting for ${p.name} to accept.`);
    // Nothing is written before the person accepts.
    await expect(p.page.getByRole('status').filter({ hasText: 'Ada wants to send you quarterly-report.pdf (8.0 MB).' })).toBeVisible();
    expect(await incomingFiles(p.page)).toEqual([]);
  }
  for (const p of [bob!, cyd!]) await acceptFile(p.page, 'quarterly-report.pdf', 'Ada');

  for (const p of [bob!, cyd!]) {
    const item = transfer(p.page, 'quarterly-report.pdf', 'from Ada');
    await expect(item).toContainText('Received from Ada and verified (SHA-256).', { timeout: RECEIVED_MS });
    const saved = await saveFile(p.page, 'quarterly-report.pdf');
    expect(saved.suggested).toBe('quarterly-report.pdf');
    expect(saved.bytes.length).toBe(data.length);
    expect(sha256(saved.bytes)).toBe(sha256(data));
    await expect(transfer(ada!.page, 'quarterly-report.pdf', `to ${p.name}`)).toContainText(`Sent to ${p.name}.`);

    // Progress was visible on the way, not only at 0 and at the end, on both sides.
    const received = await progressSeen(p.page, 'Progress of quarterly-report.pdf from Ada');
    const sent = await progressSeen(ada!.page, `Progress of quarterly-report.pdf to ${p.name}`);
    for (const values of [received, sent]) {
      expect(values.some((v) => v > 0 && v < data.length), `progress values ${values.join(', ')}`).toBe(true);
      expect(values.at(-1)).toBe(data.length);
    }
  }
});

test('declining, and cancelling from either side, leave nothing behind; chat flows during a transfer', async ({ people, server }) => {
  const [ada, bob] = await meetingOf(people, server, ['Ada', 'Bob']);

  // Declined: the sender is told; nothing was ever written.
  await sendFile(ada!.page, { name: 'holiday.jpg', buffer: randomBytes(MiB) });
  await expect(bob!.page.getByRole('status').filter({ hasText: 'Ada wants to send you holiday.jpg' })).toBeVisible();
  await bob!.page.getByRole('button', { name: 'Open chat' }).click();
  await bob!.page.getByRole('button', { name: 'Decline holiday.jpg from Ada', exact: true }).click();
  await expect(transfer(bob!.page, 'holiday.jpg', 'from Ada')).toContainText('You declined this file.');
  await expect(transfer(ada!.page, 'holiday.jpg', 'to Bob')).toContainText('Bob declined the file.');
  expect(await incomingFiles(bob!.page)).toEqual([]);

  // Cancelled mid-way, once by the receiver and once by the sender (dropped on the window this time).
  for (const [canceller, name] of [
    [bob!, 'backup-1.tar'],
    [ada!, 'backup-2.tar'],
  ] as const) {
    await recordProgress(bob!.page);
    await dropFile(ada!.page, name, 256 * MiB);
    await bob!.page.getByRole('button', { name: `Accept ${name} from Ada`, exact: true }).click();
    // Wait until part of it has been written, then cancel.
    await expect.poll(async () => (await progressSeen(bob!.page, `Progress of ${name} from Ada`)).some((v) => v > 0)).toBe(true);
    expect((await incomingFiles(bob!.page)).length).toBeGreaterThan(0); // the file (and the browser's .crswap) while it arrives
    // Chat is not starved by a big transfer on the same connection.
    await sendChat(ada!.page, `Sending ${name} now`);
    await expect(chatMessages(bob!.page).filter({ hasText: `Sending ${name} now` })).toHaveCount(1);
    await expect(transfer(bob!.page, name, 'from Ada')).toContainText('Receiving from Ada');
    const way = canceller === bob ? 'from Ada' : 'to Bob';
    await canceller.page.getByRole('button', { name: `Cancel ${name} ${way}`, exact: true }).click();
    for (const [p, w] of [
      [ada!, 'to Bob'],
      [bob!, 'from Ada'],
    ] as const) {
      await expect(transfer(p.page, name, w)).toContainText('The transfer was cancelled. Nothing was kept.');
    }
    await expect.poll(() => incomingFiles(bob!.page)).toEqual([]);
  }
  await expect(bob!.page.getByRole('link', { name: /^Save / })).toHaveCount(0);
});

test('a hostile file name arrives as one harmless name', async ({ people, server }) => {
  const [ada, bob] = await meetingOf(people, server, ['Ada', 'Bob']);
  // Path traversal, a right-to-left override disguising an .exe, a control character.
  const hostile = '../../.ssh/authorized_keys\u202Etxt.exe\u0007';
  await openPanel(ada!.page, 'Chat');
  await dropFile(ada!.page, hostile, 1000);
  const shown = 'authorized_keystxt.exe';
  await acceptFile(bob!.page, shown, 'Ada');
  await expect(transfer(bob!.page, shown, 'from Ada')).toContainText('verified');
  const saved = await saveFile(bob!.page, shown);
  expect(saved.suggested).toBe(shown);
  expect(saved.bytes.length).toBe(1000);
});
