/**
 * Reconnecting with Firefox on one end, in one relayed meeting, through the
 * steps of turn-relay, server-restart and turn-restart: Ada (Chromium, the
 * owner: host) and Bob (Firefox guest), both with "Connect through the relay
 * only", against their own signaling server and a real coturn on loopback.
 * - the call goes through the relay: both selected pairs relay–relay, both
 *   tiles "relayed", video both ways;
 * - the signaling server is SIGKILLed and restarted: both read "Reconnecting…"
 *   and are back with the same peer ids, Bob still muted, Ada still host, chat
 *   both ways; media never stopped (decoded frames kept growing);
 * - the relay is SIGKILLed (every allocation gone) and restarted: both read
 *   "Reconnecting to NAME…", the engine restarts ICE, video decodes again over
 *   a relayed pair on the same peer connection, and the notice clears.
 */
import { test, expect } from './support/mixed.js';
import { startCoturn, type Coturn } from './support/coturn.js';
import { FirefoxPeople } from './support/firefox-people.js';
import { flowBetween, report, selectedPairs, startFlowRecorder } from './support/flow.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { startOwnServer, type OwnServer } from './support/own-server.js';
import { chromiumParticipant, runInPage, type Participant } from './support/participant.js';
import { People } from './support/people.js';
import { expectChatFrom, invitePath, joinFromInvite, openPanelOf, peerIdIn, sendChatAs, tileSelector, untilRoleText, untilTextIn } from './support/steps.js';
import { joinMeeting, logIn } from './support/ui.js';

/** Measured 2026-12-02 on the shared 2-core box: see docs/e2e-and-benchmarks.md. */
const TEST_MS = 150_000;
/** Failure limits, not targets (server-restart.spec.ts and turn-restart.spec.ts use the same). */
const BACK_WITHIN_MS = 20_000;
const RECOVER_WITHIN_MS = 60_000;
const MAX_VIDEO_STALL_MS = 3_000;

/** Video frames decoded over the page's peer connections (decoded, not painted: turn-restart.spec.ts says why). */
function framesDecoded(p: Participant): Promise<number> {
  return runInPage(p, async () => {
    let frames = 0;
    for (const pc of window.__e2ePeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: { type?: string; kind?: string; framesDecoded?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
      });
    }
    return frames;
  }, null);
}

const RELAYED = [{ local: 'relay', remote: 'relay' }];

async function expectRelayed(viewer: Participant, other: string): Promise<void> {
  await expect.poll(() => selectedPairs(viewer), { message: `${viewer.name} (${viewer.browser}): a relayed pair` }).toEqual(RELAYED);
  await untilTextIn(viewer, tileSelector(other), 'relayed', { timeoutMs: 15_000 });
}

/** Resolves with the time `p`'s decoded frames grew by 10 on a connected pair (a live path, not buffered frames). */
async function videoBackAt(p: Participant): Promise<number> {
  const deadline = Date.now() + RECOVER_WITHIN_MS;
  let base = await framesDecoded(p);
  while (Date.now() < deadline) {
    const now = await framesDecoded(p);
    const connected = (await selectedPairs(p)).length === 1;
    if (connected && now >= base + 10) return Date.now();
    if (!connected) base = now;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${p.name} (${p.browser}): no video decoded on a connected pair within ${RECOVER_WITHIN_MS} ms of the relay's restart`);
}

test('Chromium and Firefox, relay only: through coturn, then a signaling server restart and a relay restart (ICE restart)', async ({ browser, firefox }, testInfo) => {
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
    const connectionsBefore = await Promise.all([ada, bob].map((p) => runInPage(p, () => window.__e2ePeerConnections!.length, null)));

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

    await test.step('the relay is killed and restarted: ICE restarts, video decodes again, relayed, nobody rejoins', async () => {
      const killedAt = Date.now();
      await coturn!.kill();
      for (const [viewer, other] of pair) await untilRoleText(viewer, 'status', `Reconnecting to ${other.name}…`, { timeoutMs: 30_000 });
      report('mixed: relay killed → "Reconnecting to …" shown on both', Date.now() - killedAt);
      await coturn!.restart();
      const restartedAt = Date.now();
      const back = await Promise.all([ada, bob].map(videoBackAt));
      report('mixed: relay restarted → video decoding again on both sides', Math.max(...back) - restartedAt);
      for (const [viewer, other] of pair) {
        await untilRoleText(viewer, 'status', `Reconnecting to ${other.name}…`, { present: false, timeoutMs: 15_000 });
        await expectRelayed(viewer, other.name);
        expect(await peerIdIn(viewer, other.name)).toBe(ids.get(viewer));
      }
      const connectionsAfter = await Promise.all([ada, bob].map((p) => runInPage(p, () => window.__e2ePeerConnections!.length, null)));
      expect(connectionsAfter).toEqual(connectionsBefore);
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
