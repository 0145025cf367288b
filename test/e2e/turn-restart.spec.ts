/**
 * The TURN relay of a relayed call dies (SIGKILL: every allocation gone) and
 * comes back on the same port. Nobody rejoins: each peer connection notices
 * its path is dead, the page says "Reconnecting to NAME…", the engine
 * restarts ICE (new allocations on the restarted relay, same credentials),
 * and the call carries on — same peer connection, same peer ids, relayed
 * again — and the status clears by itself. Times are printed, not gated.
 */
import { test, expect } from './support/fixtures.js';
import { startCoturn, type Coturn } from './support/coturn.js';
import { report, selectedPairs } from './support/flow.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { startOwnServer, type OwnServer } from './support/own-server.js';
import { People, type Person } from './support/people.js';
import { joinMeeting, peerIdOf, tile } from './support/ui.js';

const RECOVER_WITHIN_MS = 60_000; // failure limit, not a target

/**
 * Video frames the page's (single) peer connection has decoded. Decoded, not
 * presented: headless Chromium sometimes stops presenting a <video>'s frames
 * (its totalVideoFrames and size freeze) while decoding goes on, which says
 * nothing about the network path this test is about.
 */
async function framesOf(p: Person): Promise<number> {
  return p.page.evaluate(async () => {
    let frames = 0;
    for (const pc of window.__e2ePeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: { type?: string; kind?: string; framesDecoded?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
      });
    }
    return frames;
  });
}

// 'brief': back as soon as the pages noticed; 'long': down for 20 s more, so the first ICE
// restarts find no relay and must be retried.
for (const outage of ['brief', 'long'] as const) {
test(`the TURN relay of a relayed call is killed and restarted (${outage} outage): the call recovers by ICE restart, nobody rejoins`, async ({ browser }, testInfo) => {
  let coturn: Coturn | null = null;
  let server: OwnServer | null = null;
  let people: People | null = null;
  try {
    coturn = await startCoturn();
    server = await startOwnServer({ args: ['--turn-url', coturn.url], env: { MERIMEET_TURN_SECRET: coturn.secret } });
    people = new People(browser, server);
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    await joinMeeting(ada.page, meeting, 'Ada', 'in-call', { relayOnly: true });
    await joinMeeting(bob.page, meeting, 'Bob', 'in-call', { relayOnly: true });
    const ids = { ada: await peerIdOf(bob.page, 'Ada'), bob: await peerIdOf(ada.page, 'Bob') };
    await expectVideoFlowing(ada.page, ids.bob);
    await expectVideoFlowing(bob.page, ids.ada);
    for (const p of [ada, bob]) expect(await selectedPairs(p.page)).toEqual([{ local: 'relay', remote: 'relay' }]);
    const connectionsBefore = await Promise.all([ada, bob].map((p) => p.page.evaluate(() => window.__e2ePeerConnections!.length)));

    const killedAt = Date.now();
    await coturn.kill();
    // The path is dead: the page says so (it clears by itself later).
    const noticed = await Promise.all(
      [
        [ada, 'Bob'],
        [bob, 'Ada'],
      ].map(async ([p, other]) => {
        await expect((p as Person).page.getByRole('status').filter({ hasText: `Reconnecting to ${other as string}…` })).toBeVisible({ timeout: 30_000 });
        return Date.now();
      }),
    );
    report(`${outage}: relay killed → "Reconnecting to …" shown (slower of the two)`, Math.max(...noticed) - killedAt);
    if (outage === 'long') await new Promise((r) => setTimeout(r, 20_000));
    await coturn.restart();
    const restartedAt = Date.now();
    report(`${outage}: relay down (kill → answering again)`, restartedAt - killedAt);

    // Recovered: frames grow again on both sides, over a relayed pair, on the same connection.
    const recovered = await Promise.all(
      [ada, bob].map(async (person) => {
        const start = await framesOf(person);
        const deadline = Date.now() + RECOVER_WITHIN_MS;
        let base = start;
        // Growth of at least 10 frames in a row proves a live path (not a few buffered frames).
        while (Date.now() < deadline) {
          const now = await framesOf(person);
          const connected = (await selectedPairs(person.page)).length === 1;
          if (connected && now >= base + 10) return Date.now();
          if (!connected) base = now;
          await new Promise((r) => setTimeout(r, 100));
        }
        const states = await Promise.all(
          [ada, bob].map((x) =>
            x.page.evaluate(async () => {
              const out: string[] = [];
              for (const pc of window.__e2ePeerConnections ?? []) {
                out.push(`${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}/${pc.iceGatheringState}`);
                (await pc.getStats()).forEach((r: Record<string, unknown>) => {
                  if ((r.type === 'inbound-rtp' || r.type === 'outbound-rtp') && r.kind === 'video') {
                    const keys = ['packetsReceived', 'framesDecoded', 'framesReceived', 'keyFramesDecoded', 'pliCount', 'firCount', 'nackCount', 'packetsSent', 'framesEncoded', 'framesSent', 'qualityLimitationReason', 'targetBitrate', 'active'];
                    out.push(`${r.type as string}: ${keys.filter((k) => k in r).map((k) => `${k}=${String(r[k])}`).join(' ')}`);
                  }
                  if (r.type === 'candidate-pair' && r.state === 'succeeded') out.push(`pair ${String(r.nominated)} bytesSent=${String(r.bytesSent)} bytesReceived=${String(r.bytesReceived)} availableOutgoingBitrate=${String(r.availableOutgoingBitrate)}`);
                });
              }
              return out.join('; ');
            }),
          ),
        );
        await new Promise((r) => setTimeout(r, 2_000));
        const again = await Promise.all(
          [ada, bob].map((x) =>
            x.page.evaluate(async () => {
              const out: string[] = [];
              for (const pc of window.__e2ePeerConnections ?? []) {
                (await pc.getStats()).forEach((r: Record<string, unknown>) => {
                  if (r.type === 'inbound-rtp' && r.kind === 'video') out.push(`in: pk=${String(r.packetsReceived)} fr=${String(r.framesReceived)} fd=${String(r.framesDecoded)} drop=${String(r.framesDropped)} lost=${String(r.packetsLost)}`);
                  if (r.type === 'outbound-rtp' && r.kind === 'video') out.push(`out: pk=${String(r.packetsSent)} fe=${String(r.framesEncoded)}`);
                });
              }
              const v = document.querySelector<HTMLVideoElement>('video[data-peer-id]');
              if (v) {
                const t = (v.srcObject as MediaStream | null)?.getVideoTracks()[0];
                out.push(`video el: rs=${v.readyState} paused=${String(v.paused)} tvf=${v.getVideoPlaybackQuality().totalVideoFrames} track=${t?.readyState ?? 'none'} muted=${String(t?.muted)} w=${v.videoWidth}`);
              }
              return out.join('; ');
            }),
          ),
        );
        states.push(...again);
        throw new Error(`${person.name} did not recover within ${RECOVER_WITHIN_MS} ms \nAda: ${states[0]}\nBob: ${states[1]}\n2 s later, Ada: ${states[2]}\nBob: ${states[3]}`);
      }),
    );
    report(`${outage}: relay restarted → video decoding again on both sides`, Math.max(...recovered) - restartedAt);
    report(`${outage}: relay killed → video decoding again on both sides (total)`, Math.max(...recovered) - killedAt);

    for (const [p, other] of [
      [ada, 'Bob'],
      [bob, 'Ada'],
    ] as const) {
      await expect(p.page.getByRole('status').filter({ hasText: `Reconnecting to ${other}…` })).toHaveCount(0, { timeout: 15_000 });
      await expect(tile(p.page, other)).toHaveCount(1);
      expect(await selectedPairs(p.page)).toEqual([{ local: 'relay', remote: 'relay' }]);
    }
    // Nobody rejoined: the same peer ids, the same (single) peer connection on each side.
    expect(await peerIdOf(bob.page, 'Ada')).toBe(ids.ada);
    expect(await peerIdOf(ada.page, 'Bob')).toBe(ids.bob);
    const connectionsAfter = await Promise.all([ada, bob].map((p) => p.page.evaluate(() => window.__e2ePeerConnections!.length)));
    expect(connectionsAfter).toEqual(connectionsBefore);
  } finally {
    if (people) await people.closeAll(testInfo);
    if (testInfo.status !== testInfo.expectedStatus) {
      if (coturn) await testInfo.attach('turn.log', { body: coturn.log() });
      if (server) await testInfo.attach('server.log', { body: server.output() });
    }
    await server?.stop();
    await coturn?.stop();
  }
});
}
