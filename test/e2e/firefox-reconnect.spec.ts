/**
 * Reconnecting with Firefox on one end, in one relayed meeting, through the
 * steps of turn-relay and server-restart: Ada (Chromium, the
 * owner: host) and Bob (Firefox guest), both with "Connect through the relay
 * only", against their own signaling server and a real coturn on loopback.
 * - the call goes through the relay: both selected pairs relay–relay, both
 *   tiles "relayed", video both ways;
 * - the signaling server is SIGKILLed and restarted: both read "Reconnecting…"
 *   and are back with the same peer ids, Bob still muted, Ada still host, chat
 *   both ways; media never stopped (decoded frames kept growing);
 *
 * Not here: the relay's own death and restart (turn-restart.spec.ts's ICE
 * restart) with Firefox on one end. It recovered in 3.1 s and 2.7 s in two
 * runs, and in a third "Reconnecting to …" took 29.6 s to show and Firefox
 * decoded no video within 60 s of the relay's return; not understood yet, so
 * not in the suite (docs/e2e-and-benchmarks.md).
 */
import { test, expect } from './support/mixed.js';
import { startCoturn, type Coturn } from './support/coturn.js';
import { FirefoxPeople } from './support/firefox-people.js';
import { flowBetween, report, selectedPairs, startFlowRecorder } from './support/flow.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { startOwnServer, type OwnServer } from './support/own-server.js';
import { chromiumParticipant, type Participant } from './support/participant.js';
import { People } from './support/people.js';
import { expectChatFrom, invitePath, joinFromInvite, openPanelOf, peerIdIn, sendChatAs, tileSelector, untilRoleText, untilTextIn } from './support/steps.js';
import { joinMeeting, logIn } from './support/ui.js';

/** Measured 2026-12-02 on the shared 2-core box: see docs/e2e-and-benchmarks.md. */
const TEST_MS = 150_000;
/** Failure limits, not targets (server-restart.spec.ts and turn-restart.spec.ts use the same). */
const BACK_WITHIN_MS = 20_000;
const MAX_VIDEO_STALL_MS = 3_000;

const RELAYED = [{ local: 'relay', remote: 'relay' }];

async function expectRelayed(viewer: Participant, other: string): Promise<void> {
  await expect.poll(() => selectedPairs(viewer), { message: `${viewer.name} (${viewer.browser}): a relayed pair` }).toEqual(RELAYED);
  await untilTextIn(viewer, tileSelector(other), 'relayed', { timeoutMs: 15_000 });
}

test('Chromium and Firefox, relay only: through coturn, then across a signaling server restart', async ({ browser, firefox }, testInfo) => {
  test.setTimeout(TEST_MS);
  let coturn: Coturn | null = null;
  let server: OwnServer | null = null;
  let chromiumPeople: People | null = null;
  let firefoxPeople: FirefoxPeople | null = null;
  try {
    coturn = await startCoturn();
    server = await startOwnServer({ args: ['--turn-url', coturn.url], env: { MERIMEET_TURN_SECRET: coturn.secret } });
    chromiumPeople = new People(browser, server);
    firefoxPeople = new FirefoxPeople(firefox, server.origin);
    const meeting = await createMeeting(server);
    const adaPerson = await chromiumPeople.open('Ada');
    await logIn(adaPerson.page, meeting.owner); // Ada owns the meeting: she is host
    await joinMeeting(adaPerson.page, meeting, 'Ada', 'in-call', { relayOnly: true });
    const ada = chromiumParticipant(adaPerson);
    const bob = await firefoxPeople.open('Bob', invitePath(meeting));
    await joinFromInvite(bob, 'Bob', { relayOnly: true });
    const pair = [
      [ada, bob],
      [bob, ada],
    ] as const;

    const ids = new Map<Participant, string>();
    await test.step('relay only: both selected pairs relayed, both tiles say so, video both ways', async () => {
      for (const [viewer, other] of pair) {
        ids.set(viewer, await peerIdIn(viewer, other.name));
        await expectVideoFlowing(viewer, ids.get(viewer)!);
        await expectRelayed(viewer, other.name);
      }
    });

    await test.step('the signaling server is killed and restarted: both resume their place, media never stops', async () => {
      await bob.click('button', 'Microphone'); // Bob mutes before the outage
      await untilTextIn(ada, tileSelector('Bob'), 'muted');
      await untilTextIn(bob, tileSelector('Ada'), 'host');
      for (const p of [ada, bob]) await startFlowRecorder(p);
      await new Promise((r) => setTimeout(r, 1_000));
      const stoppedAt = Date.now();
      await server!.kill('SIGKILL');
      for (const p of [ada, bob]) await untilRoleText(p, 'status', 'Reconnecting…');
      await new Promise((r) => setTimeout(r, 1_000));
      await server!.restart();
      const restartedAt = Date.now();
      for (const p of [ada, bob]) {
        await untilRoleText(p, 'status', 'Reconnecting…', { present: false, timeoutMs: BACK_WITHIN_MS });
        report(`mixed: ${p.name} (${p.browser}) back in the meeting, after the server's restart`, Date.now() - restartedAt);
      }
      const allBack = Date.now();
      for (const [viewer, other] of pair) expect(await peerIdIn(viewer, other.name)).toBe(ids.get(viewer));
      await untilTextIn(ada, tileSelector('Bob'), 'muted');
      await untilTextIn(bob, tileSelector('Ada'), 'host');
      for (const p of [ada, bob]) await openPanelOf(p, 'Chat');
      await sendChatAs(ada, 'still here after the restart');
      await expectChatFrom(bob, 'Ada', 'still here after the restart');
      await sendChatAs(bob, 'Firefox too');
      await expectChatFrom(ada, 'Bob', 'Firefox too');
      await new Promise((r) => setTimeout(r, 1_500));
      for (const p of [ada, bob]) {
        const flow = await flowBetween(p, stoppedAt - 1_000, allBack + 1_500);
        console.log(`[recovery] mixed: ${p.name} (${p.browser}) during the server outage: longest video stall ${flow.videoStallMs} ms, +${flow.framesGained} frames over ${flow.sampleCount} samples`);
        expect(flow.sampleCount).toBeGreaterThan(10);
        expect(flow.framesGained).toBeGreaterThan(0);
        expect(flow.videoStallMs).toBeLessThan(MAX_VIDEO_STALL_MS);
      }
    });

  } finally {
    if (firefoxPeople) await firefoxPeople.closeAll(testInfo);
    if (chromiumPeople) await chromiumPeople.closeAll(testInfo);
    if (testInfo.status !== testInfo.expectedStatus) {
      if (coturn) await testInfo.attach('turn.log', { body: coturn.log() });
      if (server) await testInfo.attach('server.log', { body: server.output() });
    }
    await server?.stop();
    await coturn?.stop();
  }
});
