/**
 * TURN with a real coturn on loopback: with "Connect through the relay only"
 * (iceTransportPolicy 'relay') the call connects through the relay — both
 * ends' selected candidate pairs are relay–relay and the tiles say
 * "relayed" — and media flows. Expired TURN credentials are refused (401)
 * and replaced by fresh ones from the meeting server, and the call goes
 * through; credentials signed with a secret coturn does not share are refused
 * even fresh, and each person is told so in plain words.
 *
 * Each test runs its own signaling server (with --turn-url and the secret in
 * MERIMEET_TURN_SECRET) and its own coturn, stopped by PID in `finally`.
 */
import { createHmac } from 'node:crypto';
import { test, expect } from './support/fixtures.js';
import { startCoturn, type Coturn } from './support/coturn.js';
import { report, selectedPairs } from './support/flow.js';
import { createMeeting } from './support/meetings.js';
import { expectAudioAudible, expectSecureTransports, expectVideoFlowing } from './support/media.js';
import { startOwnServer, type OwnServer } from './support/own-server.js';
import { People } from './support/people.js';
import { joinMeeting, peerIdOf, tile } from './support/ui.js';

const REFUSED = /The relay server \(TURN\) refused our credentials/;

async function withRelay(
  turnSecretForServer: (coturn: Coturn) => string,
  body: (ctx: { coturn: Coturn; server: OwnServer; people: People }) => Promise<void>,
  browser: import('@playwright/test').Browser,
  testInfo: import('@playwright/test').TestInfo,
): Promise<void> {
  let coturn: Coturn | null = null;
  let server: OwnServer | null = null;
  let people: People | null = null;
  try {
    coturn = await startCoturn();
    server = await startOwnServer({ args: ['--turn-url', coturn.url], env: { MERIMEET_TURN_SECRET: turnSecretForServer(coturn) } });
    people = new People(browser, server);
    await body({ coturn, server, people });
  } finally {
    if (people) await people.closeAll(testInfo);
    if (testInfo.status !== testInfo.expectedStatus && coturn) await testInfo.attach('turn.log', { body: coturn.log() });
    await server?.stop();
    await coturn?.stop();
  }
}

test('relay only: the call goes through coturn, both selected pairs are relayed, and the tiles say so', async ({ browser }, testInfo) => {
  await withRelay((c) => c.secret, async ({ server, people }) => {
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    await joinMeeting(ada.page, meeting, 'Ada', 'in-call', { relayOnly: true });
    const joinedAt = Date.now();
    await joinMeeting(bob.page, meeting, 'Bob', 'in-call', { relayOnly: true });

    for (const [viewer, other] of [
      [ada, bob],
      [bob, ada],
    ] as const) {
      const peerId = await peerIdOf(viewer.page, other.name);
      await expectVideoFlowing(viewer.page, peerId);
      if (viewer === ada) report('relay-only call: Bob clicks Join → Ada decodes Bob’s video', Date.now() - joinedAt);
      await expectAudioAudible(viewer.page, peerId);
      await expectSecureTransports(viewer.page, 1);
      expect(await selectedPairs(viewer.page)).toEqual([{ local: 'relay', remote: 'relay' }]);
      // The per-peer indicator (from the engine's own stats, polled every few seconds).
      await expect(tile(viewer.page, other.name).getByText('relayed', { exact: true })).toBeVisible({ timeout: 15_000 });
    }
  }, browser, testInfo);
});

test('wrong TURN credentials: the relay refuses them and people are told', async ({ browser }, testInfo) => {
  // The signaling server signs credentials with a secret coturn does not share.
  await withRelay(() => 'not-the-relays-secret', async ({ server, people }) => {
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    await joinMeeting(ada.page, meeting, 'Ada', 'in-call', { relayOnly: true });
    await joinMeeting(bob.page, meeting, 'Bob', 'in-call', { relayOnly: true });
    for (const person of [ada, bob]) {
      await expect(person.page.getByRole('alert').filter({ hasText: REFUSED })).toBeVisible({ timeout: 30_000 });
      await expect(tile(person.page, person === ada ? 'Bob' : 'Ada').getByText(/^Connecting|^Reconnecting|^Connection failed/)).toBeVisible();
    }
    // And nothing connected behind the message's back.
    expect(await selectedPairs(ada.page)).toEqual([]);
  }, browser, testInfo);
});

test('expired TURN credentials: the relay refuses them, the clients fetch fresh ones, and the call goes through', async ({ browser }, testInfo) => {
  await withRelay((c) => c.secret, async ({ coturn, server, people }) => {
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    // Correctly signed credentials whose expiry has passed, as a client would hold after
    // `--turn-ttl` without a refresh: rewritten into room.joined on the way to the page.
    for (const person of [ada, bob]) {
      await person.context.routeWebSocket(/\/ws$/, (ws) => {
        const upstream = ws.connectToServer();
        ws.onMessage((m) => upstream.send(m));
        upstream.onMessage((m) => {
          if (typeof m !== 'string' || !m.includes('"room.joined"')) return ws.send(m);
          const msg = JSON.parse(m) as { iceServers: { urls: string[]; username?: string; credential?: string }[] };
          for (const s of msg.iceServers) {
            if (s.username === undefined) continue;
            const username = `${Math.floor(Date.now() / 1000) - 600}:${s.username.split(':').slice(1).join(':')}`;
            s.username = username;
            s.credential = createHmac('sha1', coturn.secret).update(username).digest('base64');
          }
          ws.send(JSON.stringify(msg));
        });
      });
    }
    await joinMeeting(ada.page, meeting, 'Ada', 'in-call', { relayOnly: true });
    await joinMeeting(bob.page, meeting, 'Bob', 'in-call', { relayOnly: true });
    // The relay refuses them (401); each client asks the meeting server for fresh ones
    // (ice.refresh, not rewritten) and restarts ICE: the call goes through the relay, and
    // nobody is told about a problem that fixed itself.
    for (const [viewer, other] of [
      [ada, bob],
      [bob, ada],
    ] as const) {
      await expect(tile(viewer.page, other.name).getByText('relayed', { exact: true })).toBeVisible({ timeout: 30_000 });
      expect(await selectedPairs(viewer.page)).toEqual([{ local: 'relay', remote: 'relay' }]);
      await expect(viewer.page.getByRole('alert').filter({ hasText: REFUSED })).toHaveCount(0);
    }
  }, browser, testInfo);
});
