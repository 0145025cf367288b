/**
 * The signaling server dies mid-call and comes back (SIGKILL: a crash; SIGTERM:
 * a drain for an upgrade), on the same port and data directory. Media is peer
 * to peer, so audio and video keep flowing the whole time (decoded frames
 * and received samples keep growing); each client reconnects with back-off
 * and jitter and resumes its place with its signed resume token: same peer
 * ids, one tile each, the host still host, the muted still muted, and chat
 * works. The times are measured and printed, not asserted tightly (a shared
 * 2-core machine): the bounds below only catch something broken.
 */
import { test, expect } from './support/fixtures.js';
import { flowBetween, report, startFlowRecorder } from './support/flow.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { TestClient } from '../integration/support/test-client.js';
import { startOwnServer, type OwnServer } from './support/own-server.js';
import { People, type Person } from './support/people.js';
import { chatMessages, control, joinMeeting, logIn, openPanel, peerIdOf, sendChat, tile, videoRegion } from './support/ui.js';

/** Failure limits, not targets. */
const BACK_WITHIN_MS = 20_000;
const MAX_MEDIA_STALL_MS = 3_000;

const reconnecting = (p: Person) => p.page.getByRole('status').filter({ hasText: 'Reconnecting…' });

/** Polls until `check` is true; resolves with the time it became true. */
async function when(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`the signaling server is stopped with ${signal} mid-call and restarted: media never stops, everyone resumes their place`, async ({ browser }, testInfo) => {
    let server: OwnServer | null = null;
    let people: People | null = null;
    try {
      server = await startOwnServer();
      people = new People(browser, server);
      const meeting = await createMeeting(server);
      const ada = await people.open('Ada');
      const bob = await people.open('Bob');
      await logIn(ada.page, meeting.owner); // Ada owns the meeting: she is host
      await joinMeeting(ada.page, meeting, 'Ada');
      await joinMeeting(bob.page, meeting, 'Bob');
      const bobId = await peerIdOf(ada.page, 'Bob');
      const adaId = await peerIdOf(bob.page, 'Ada');
      await expectVideoFlowing(ada.page, bobId);
      await expectVideoFlowing(bob.page, adaId);
      await control(bob.page, 'Microphone').click(); // Bob mutes before the outage
      await expect(tile(ada.page, 'Bob').getByText('muted', { exact: true })).toBeVisible();
      await expect(tile(bob.page, 'Ada').getByText('host', { exact: true })).toBeVisible();
      for (const p of [ada, bob]) await startFlowRecorder(p.page);
      await new Promise((r) => setTimeout(r, 1_000));

      const stoppedAt = Date.now();
      await server.kill(signal);
      await expect(reconnecting(ada)).toBeVisible();
      await expect(reconnecting(bob)).toBeVisible();
      // An outage of a second or so (a restart of a real deployment takes that much at least).
      await new Promise((r) => setTimeout(r, 1_000));
      await server.restart();
      const restartedAt = Date.now();
      report(`${signal}: server down (stop → listening again)`, restartedAt - stoppedAt);

      const back = await Promise.all(
        [ada, bob].map(async (p) => {
          const at = await when(async () => (await reconnecting(p).count()) === 0, BACK_WITHIN_MS, `${p.name} back in the meeting`);
          report(`${signal}: ${p.name} back in the meeting, after the restart`, at - restartedAt);
          return at;
        }),
      );
      const allBack = Math.max(...back);

      // Same places: the same peer ids, one tile each, host and mute as before.
      expect(await peerIdOf(ada.page, 'Bob')).toBe(bobId);
      expect(await peerIdOf(bob.page, 'Ada')).toBe(adaId);
      for (const p of [ada, bob]) await expect(videoRegion(p.page).getByRole('group')).toHaveCount(2);
      await expect(tile(ada.page, 'Bob').getByText('muted', { exact: true })).toBeVisible();
      await expect(tile(bob.page, 'Ada').getByText('host', { exact: true })).toBeVisible();

      // Chat works again, both ways.
      for (const p of [ada, bob]) await openPanel(p.page, 'Chat');
      const chatFrom = Date.now();
      await sendChat(ada.page, `hello after the ${signal}`);
      await expect(chatMessages(bob.page).filter({ hasText: `hello after the ${signal}` })).toHaveCount(1);
      await sendChat(bob.page, `hi Ada, ${signal} survived`);
      await expect(chatMessages(ada.page).filter({ hasText: `hi Ada, ${signal} survived` })).toHaveCount(1);
      report(`${signal}: chat round trip after resuming`, Date.now() - chatFrom);

      // Media flowed the whole time: from a second before the stop until well after everyone was back.
      await new Promise((r) => setTimeout(r, 1_500));
      for (const p of [ada, bob]) {
        const flow = await flowBetween(p.page, stoppedAt - 1_000, allBack + 1_500);
        console.log(
          `[recovery] ${signal}: ${p.name} media during the outage: longest video stall ${flow.videoStallMs} ms, audio stall ${flow.audioStallMs} ms, +${flow.framesGained} frames over ${flow.sampleCount} samples`,
        );
        expect(flow.sampleCount).toBeGreaterThan(10);
        expect(flow.framesGained).toBeGreaterThan(0);
        expect(flow.videoStallMs).toBeLessThan(MAX_MEDIA_STALL_MS);
        expect(flow.audioStallMs).toBeLessThan(MAX_MEDIA_STALL_MS);
      }
    } finally {
      if (people) await people.closeAll(testInfo);
      if (server && testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server.log', { body: server.output() });
      await server?.stop();
    }
  });
}

test('the signaling server stays down: each person is told they are offline, can try again, and is back once it returns', async ({ browser }, testInfo) => {
  let server: OwnServer | null = null;
  let people: People | null = null;
  try {
    server = await startOwnServer();
    people = new People(browser, server);
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    await joinMeeting(ada.page, meeting, 'Ada');
    await joinMeeting(bob.page, meeting, 'Bob');
    const bobId = await peerIdOf(ada.page, 'Bob');
    await expectVideoFlowing(ada.page, bobId);

    const stoppedAt = Date.now();
    await server.kill('SIGKILL');
    const offline = (p: Person) => p.page.getByRole('alert').filter({ hasText: 'You are offline' });
    await expect(offline(ada)).toBeVisible({ timeout: 20_000 });
    report('server gone → "You are offline" shown', Date.now() - stoppedAt);
    // Media is peer to peer: it carries on while the server is away.
    await expectVideoFlowing(ada.page, bobId);

    await server.restart();
    const restartedAt = Date.now();
    // The person presses "Try again" instead of waiting out the back-off.
    await ada.page.getByRole('button', { name: 'Try again' }).click();
    await expect(offline(ada)).toHaveCount(0, { timeout: BACK_WITHIN_MS });
    await expect(reconnecting(ada)).toHaveCount(0, { timeout: BACK_WITHIN_MS });
    report('offline: server back → Ada (pressed "Try again") back in the meeting', Date.now() - restartedAt);
    await expect(offline(bob)).toHaveCount(0, { timeout: BACK_WITHIN_MS });
    await expect(reconnecting(bob)).toHaveCount(0, { timeout: BACK_WITHIN_MS });
    report('offline: server back → Bob (waited for the back-off) back in the meeting', Date.now() - restartedAt);
    expect(await peerIdOf(ada.page, 'Bob')).toBe(bobId);
  } finally {
    if (people) await people.closeAll(testInfo);
    if (server && testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server.log', { body: server.output() });
    await server?.stop();
  }
});

test('the lobby converges after a server restart: the host sees the waiting guest once and can admit them', async ({ browser }, testInfo) => {
  let server: OwnServer | null = null;
  let people: People | null = null;
  try {
    server = await startOwnServer();
    people = new People(browser, server);
    const meeting = await createMeeting(server, { lobby: true });
    const hana = await people.open('Hana');
    await logIn(hana.page, meeting.owner);
    await joinMeeting(hana.page, meeting, 'Hana');
    const gus = await people.open('Gus');
    await joinMeeting(gus.page, meeting, 'Gus', 'lobby');
    const panel = await openPanel(hana.page, 'Participants');
    await expect(panel.getByRole('button', { name: 'Admit Gus' })).toHaveCount(1);

    await server.kill('SIGKILL');
    await expect(reconnecting(hana)).toBeVisible();
    await server.restart();
    const restartedAt = Date.now();

    // The host resumes (host again, as the owner); the guest asks again and waits again.
    await expect(reconnecting(hana)).toHaveCount(0, { timeout: BACK_WITHIN_MS });
    await expect(gus.page.getByRole('status').filter({ hasText: 'Waiting for the host to let you in…' })).toBeVisible({ timeout: BACK_WITHIN_MS });
    await expect(panel.getByRole('button', { name: 'Admit Gus' })).toHaveCount(1, { timeout: BACK_WITHIN_MS });
    report('lobby: server back → the host sees the waiting guest again', Date.now() - restartedAt);
    await panel.getByRole('button', { name: 'Admit Gus' }).click();
    await expectVideoFlowing(gus.page, await peerIdOf(gus.page, 'Hana'));
    await expectVideoFlowing(hana.page, await peerIdOf(hana.page, 'Gus'));
    await expect(tile(gus.page, 'Hana').getByText('host', { exact: true })).toBeVisible();
    await expect(tile(hana.page, 'Gus')).toHaveCount(1);
  } finally {
    if (people) await people.closeAll(testInfo);
    if (server && testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server.log', { body: server.output() });
    await server?.stop();
  }
});

test('a sign-in that expired while the server was away is surfaced on reconnect, not silently dropped', async ({ browser }, testInfo) => {
  let server: OwnServer | null = null;
  let people: People | null = null;
  try {
    server = await startOwnServer();
    people = new People(browser, server);
    const meeting = await createMeeting(server);
    const hana = await people.open('Hana');
    await logIn(hana.page, meeting.owner);
    await joinMeeting(hana.page, meeting, 'Hana');

    // Every session of the owner's account ends (logged out everywhere from another device).
    const other = await TestClient.connect(server.url, server.ca);
    try {
      await other.expect('account.session', { type: 'account.login', ...meeting.owner });
      await other.expect('ok', { type: 'account.logoutAll' });
    } finally {
      other.close();
    }
    await server.kill('SIGKILL');
    await expect(reconnecting(hana)).toBeVisible();
    await server.restart();

    await expect(reconnecting(hana)).toHaveCount(0, { timeout: BACK_WITHIN_MS });
    const warning = hana.page.getByRole('alert').filter({ hasText: 'Your sign-in has expired' });
    await expect(warning).toBeVisible();
    await hana.page.getByRole('button', { name: 'Dismiss' }).click();
    await expect(warning).toHaveCount(0);
  } finally {
    if (people) await people.closeAll(testInfo);
    if (server && testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server.log', { body: server.output() });
    await server?.stop();
  }
});
