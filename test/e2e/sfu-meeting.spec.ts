/**
 * A meeting that grows past the mesh limit moves to a real Janus (Debian's
 * janus, VideoRoom only, in its own network namespace on a veth link to the
 * suite's namespace: Janus skips loopback for ICE). The signaling server is
 * the test's own, run with --sfu-url and --mesh-limit 2.
 *
 * Ada and Bob start as a mesh; Cyd's join moves everyone, nobody leaves, and
 * then each person's page has exactly two connections, both to Janus's
 * address, and decodes the two others' video, hears their audio, sees a
 * safety code for each (from the pairwise key agreement: there is no DTLS
 * between people any more) and gets their chat through the relay. Every
 * sender on those connections has an encoded transform: frames leave as
 * SFrame ciphertext (what Janus sees is the media-e2ee spec's and the probe's
 * job). Bob then shares his screen: it goes up as one more section on his
 * one sending connection, the others decode it as his screen (not his
 * camera) through the e2ee transform, and it goes when he stops. At the end,
 * a file goes from Ada to Bob through the signal relay (there is no data
 * channel between people), and one over the relayed cap is refused before
 * anything is sent.
 */
import { randomBytes } from 'node:crypto';
import { startJanus, type JanusServer } from '../integration/support/janus-server.js';
import { test, expect } from './support/fixtures.js';
import { runInPage } from './support/participant.js';
import { createMeeting } from './support/meetings.js';
import { expectAudioAudible, expectVideoFlowing } from './support/media.js';
import { startOwnServer, type OwnServer } from './support/own-server.js';
import { People, type Person } from './support/people.js';
import { decodedScreen, shareButton, shareStage } from './support/screen.js';
import { chatMessages, joinMeeting, openPanel, peerIdOf, sendChat, tile } from './support/ui.js';
import { dropFile, incomingFiles, saveFile, sendFile, sha256, transfer } from './support/files.js';

const MiB = 1024 * 1024;
/** The file sent through the relay: 16 chunks, 32 relayed pieces. */
const RELAYED_FILE_BYTES = MiB;
/**
 * Measured here: accept → verified in 5.4 s and 11.0 s at load 27 (the relay's own pace is 1.7 s:
 * 32 pieces at 20 a second; docs/protocol.md §5.5); budget about 4× the slower.
 */
const RELAYED_FILE_MS = 45_000;

/**
 * Measured here: 41 s and 46 s for the whole test on a quiet machine (three people, Janus start 2 s), before the
 * screen-share and files steps; at load 14–27 the screen step took 14–22 s and the files step up to 24.5 s, with
 * the whole test at 1.6–2.5 min with one of them. With both steps: 1.8–1.9 min on a quiet machine, and more than
 * 3 min in CI run 3 of 2026-12-02 (join 44 s, screen step 33 s), where 180 s ran out in the files step. Budget:
 * 300 s, until the spec is split into one test per step.
 */
const SFU_MEETING_MS = 300_000;

interface PageConnections {
  count: number;
  /** Remote candidate addresses of each connected one's selected pair. */
  remotes: string[];
  /** Whether every sender with a track has an encoded transform. */
  sendersTransformed: boolean;
}

async function connectionsOf(person: Person): Promise<PageConnections> {
  return runInPage(person.page, async () => {
    const live = (window.__e2ePeerConnections ?? []).filter((pc) => pc.connectionState !== 'closed');
    const remotes: string[] = [];
    let sendersTransformed = true;
    for (const pc of live) {
      for (const s of pc.getSenders()) if (s.track && !(s as RTCRtpSender & { transform?: unknown }).transform) sendersTransformed = false;
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((r: Record<string, unknown>) => byId.set(r.id as string, r));
      stats.forEach((r: Record<string, unknown>) => {
        if (r.type !== 'transport' || typeof r.selectedCandidatePairId !== 'string') return;
        const pair = byId.get(r.selectedCandidatePairId);
        const remote = pair ? byId.get(pair.remoteCandidateId as string) : undefined;
        remotes.push(String(remote?.address ?? remote?.ip ?? ''));
      });
    }
    return { count: live.length, remotes, sendersTransformed };
  }, null);
}

async function safetyCodeWith(page: import('@playwright/test').Page, name: string): Promise<string> {
  const panel = await openPanel(page, 'Participants');
  const line = panel.getByText(`Safety code with ${name}:`);
  await expect(line).toContainText(/\d{4} \d{4} \d{4} \d{4}/, { timeout: 20_000 });
  return (await line.textContent())!.match(/\d{4} \d{4} \d{4} \d{4}/)![0];
}

/**
 * How this page shows `presenterId`'s screen: whether its track is another
 * than their camera's, and whether the receiver it comes on opens frames in an
 * encoded transform (the SFU forwards only SFrame ciphertext). Null: no screen shown.
 */
async function screenReceived(person: Person, presenterId: string): Promise<{ apartFromCamera: boolean; transformed: boolean } | null> {
  return runInPage(person.page, (id: string) => {
    const trackOf = (selector: string) => {
      const video = document.querySelector<HTMLVideoElement>(selector);
      return video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
    };
    const screen = trackOf(`video[data-screen-peer-id="${CSS.escape(id)}"]`);
    if (!screen) return null;
    const camera = trackOf(`video[data-peer-id="${CSS.escape(id)}"]`);
    const receiver = (window.__e2ePeerConnections ?? [])
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getReceivers())
      .find((r) => r.track.id === screen.id);
    return { apartFromCamera: camera !== undefined && camera.id !== screen.id, transformed: Boolean((receiver as (RTCRtpReceiver & { transform?: unknown }) | undefined)?.transform) };
  }, presenterId);
}

/** Frames decoded so far in this peer's video element (it restarts from 0 on a new stream). */
async function decodedFrames(page: import('@playwright/test').Page, peerId: string): Promise<number> {
  return page.evaluate((id) => {
    const video = document.querySelector<HTMLVideoElement>(`video[data-peer-id="${id}"]`);
    return video?.getVideoPlaybackQuality().totalVideoFrames ?? -1;
  }, peerId);
}

/**
 * The peer's video decodes: two samples a second apart, the second higher. Unlike expectVideoFlowing
 * it survives the stream being replaced while it samples (the republish after Janus came back).
 * Budget: 30 s (the server notices the lost Janus at once; measured 6–9 s to frames again at load 25).
 */
async function expectDecodingAgain(page: import('@playwright/test').Page, peerId: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const first = await decodedFrames(page, peerId);
        await page.waitForTimeout(1_000);
        return (await decodedFrames(page, peerId)) > Math.max(first, 0);
      },
      { message: `video from ${peerId} decodes again`, timeout: 30_000, intervals: [0] },
    )
    .toBe(true);
}

let janus: JanusServer | null = null;
let server: OwnServer | null = null;

test.afterEach(async () => {
  await server?.stop();
  await janus?.stop();
  server = null;
  janus = null;
});

test('a meeting that grows past the mesh limit moves to the SFU: everyone sees, hears and chats with everyone, encrypted end to end', async ({ browser }, testInfo) => {
  test.setTimeout(SFU_MEETING_MS);
  const apiSecret = randomBytes(24).toString('base64url');
  janus = await startJanus({ apiSecret, clientsHere: true });
  server = await startOwnServer({ args: ['--sfu-url', janus.url, '--mesh-limit', '2'], env: { MERIMEET_SFU_SECRET: apiSecret } });
  const people = new People(browser, server);
  try {
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    const cyd = await people.open('Cyd');
    const everyone = [ada, bob, cyd];
    await joinMeeting(ada.page, meeting, 'Ada');
    await joinMeeting(bob.page, meeting, 'Bob');
    await expectVideoFlowing(ada.page, await peerIdOf(ada.page, 'Bob'));
    const movedAt = Date.now();
    await joinMeeting(cyd.page, meeting, 'Cyd');

    for (const person of everyone) {
      // The mesh closes once the SFU carries everyone (HANDOVER_MAX_MS after the move at most): one connection up, one down.
      await expect.poll(async () => (await connectionsOf(person)).count, { timeout: 20_000 }).toBe(2);
    }
    for (const viewer of everyone) {
      for (const other of everyone.filter((p) => p !== viewer)) {
        const peerId = await peerIdOf(viewer.page, other.name);
        await expectVideoFlowing(viewer.page, peerId);
        await expectAudioAudible(viewer.page, peerId);
      }
    }
    console.log(`[sfu] Cyd joins → everyone decodes everyone through Janus: ${((Date.now() - movedAt) / 1000).toFixed(2)} s`);

    for (const person of everyone) {
      const c = await connectionsOf(person);
      expect(c.remotes).toEqual([janus.network.sfuAddress, janus.network.sfuAddress]);
      expect(c.sendersTransformed).toBe(true);
      for (const other of everyone.filter((p) => p !== person)) await expect(tile(person.page, other.name).getByText(/Can’t decrypt/)).toHaveCount(0);
    }
    // The same digits on both ends of each pair, from the pairwise agreement the key exchange ran on.
    for (const [a, b] of [
      [ada, bob],
      [ada, cyd],
      [bob, cyd],
    ] as const) {
      expect(await safetyCodeWith(a.page, b.name)).toBe(await safetyCodeWith(b.page, a.name));
    }

    await sendChat(cyd.page, 'Hello from the SFU');
    for (const person of [ada, bob]) {
      await openPanel(person.page, 'Chat');
      await expect(chatMessages(person.page).filter({ hasText: 'Hello from the SFU' })).toContainText('Cyd');
    }

    await test.step('Bob shares his screen: Ada and Cyd decode it as his screen through the e2ee transform, and it goes when he stops', async () => {
      const viewers = [ada, cyd];
      const bobIds = await Promise.all(viewers.map((v) => peerIdOf(v.page, 'Bob')));
      const sharedAt = Date.now();
      await shareButton(bob.page).click();
      await expect(shareButton(bob.page)).toHaveAttribute('aria-pressed', 'true');
      const decodedAfter = await Promise.all(
        viewers.map(async (viewer, i) => {
          // Budget 30 s: measured 6.9–10.1 s from the click to the first decoded screen frame (three people, 2 cores at load 14–16).
          await expect
            .poll(async () => (await decodedScreen(viewer.page, bobIds[i]!))?.framesDecoded ?? 0, { message: `${viewer.name} decodes Bob's screen`, timeout: 30_000 })
            .toBeGreaterThan(0);
          return ((Date.now() - sharedAt) / 1000).toFixed(2);
        }),
      );
      console.log(`[sfu] Bob shares → first screen frame decoded by Ada, Cyd: ${decodedAfter.join(' s, ')} s`);
      for (const [i, viewer] of viewers.entries()) {
        await expect(shareStage(viewer.page, 'Bob')).toBeVisible();
        // His screen, not his camera tile, and opened in the receiver's encoded transform (SFrame, his keys).
        expect(await screenReceived(viewer, bobIds[i]!)).toEqual({ apartFromCamera: true, transformed: true });
        await expect(tile(viewer.page, 'Bob').getByText(/Can’t decrypt/)).toHaveCount(0);
      }
      const bobConnections = await connectionsOf(bob);
      // Still one connection up and one down: the screen went on the sending one, sealed like the camera.
      expect(bobConnections.count).toBe(2);
      expect(bobConnections.sendersTransformed).toBe(true);

      const stoppedAt = Date.now();
      await shareButton(bob.page).click();
      await expect(shareButton(bob.page)).toHaveAttribute('aria-pressed', 'false');
      const goneAfter = await Promise.all(
        viewers.map(async (viewer, i) => {
          // Budget 25 s: measured 4.9–9.0 s from the click to the screen tile going at load 14–16 (Bob renegotiates, then each viewer).
          await expect(shareStage(viewer.page, 'Bob')).toHaveCount(0, { timeout: 25_000 });
          expect(await screenReceived(viewer, bobIds[i]!)).toBeNull();
          return ((Date.now() - stoppedAt) / 1000).toFixed(2);
        }),
      );
      console.log(`[sfu] Bob stops → his screen tile gone for Ada, Cyd: ${goneAfter.join(' s, ')} s; the step took ${((Date.now() - sharedAt) / 1000).toFixed(2)} s`);
    });

    // Janus dies and comes back: the server rebuilds the room, everyone publishes again, and media returns.
    const before = await decodedFrames(ada.page, await peerIdOf(ada.page, 'Cyd'));
    await janus.kill();
    const killedAt = Date.now();
    await janus.start();
    for (const viewer of everyone) {
      for (const other of everyone.filter((p) => p !== viewer)) await expectDecodingAgain(viewer.page, await peerIdOf(viewer.page, other.name));
    }
    console.log(`[sfu] Janus killed → everyone decodes everyone again: ${((Date.now() - killedAt) / 1000).toFixed(2)} s`);
    expect(await decodedFrames(ada.page, await peerIdOf(ada.page, 'Cyd'))).not.toBe(before);
    for (const person of everyone) await expect(person.page.getByRole('alert')).toHaveCount(0);

    // ---- Files through the relay (no data channel between people in an SFU meeting) ----
    {
      const blockAt = Date.now();
      const chat = await openPanel(ada.page, 'Chat');
      await expect(chat.getByText('Up to 100 MB per file.')).toBeVisible();
      // Over the relayed cap: said before anything is offered (the file is made in the page: nothing crosses the test's pipe).
      await dropFile(ada.page, 'too-big.iso', 100 * MiB + 1);
      await expect(ada.page.getByRole('alert').filter({ hasText: 'each can be at most 100 MB. Nothing was sent.' })).toBeVisible();
      const data = randomBytes(RELAYED_FILE_BYTES);
      await sendFile(ada.page, { name: 'agenda.bin', buffer: data }, 'Bob');
      // Bob's Chat panel is open since the chat step: he accepts in it (the "wants to send you" notice shows only while it is closed).
      await (await openPanel(bob.page, 'Chat')).getByRole('button', { name: 'Accept agenda.bin from Ada', exact: true }).click();
      const acceptedAt = Date.now();
      await expect(transfer(bob.page, 'agenda.bin', 'from Ada')).toContainText('Received from Ada and verified (SHA-256).', { timeout: RELAYED_FILE_MS });
      const seconds = (Date.now() - acceptedAt) / 1000;
      console.log(`[sfu] 1 MiB file Ada → Bob through the relay: ${seconds.toFixed(2)} s from accept (${(RELAYED_FILE_BYTES / 1024 / seconds).toFixed(0)} KiB/s)`);
      const saved = await saveFile(bob.page, 'agenda.bin');
      expect(sha256(saved.bytes)).toBe(sha256(data));
      await expect(transfer(ada.page, 'agenda.bin', 'to Bob')).toContainText('Sent to Bob.');
      expect(await incomingFiles(cyd.page)).toEqual([]);
      console.log(`[sfu] the files step took ${((Date.now() - blockAt) / 1000).toFixed(2)} s`);
    }
    // ---- end of files through the relay ----
  } finally {
    await people.closeAll(testInfo);
    if (testInfo.status !== testInfo.expectedStatus && janus) await testInfo.attach('janus.log', { body: janus.output() });
    if (testInfo.status !== testInfo.expectedStatus && server) await testInfo.attach('server.log', { body: server.output() });
  }
});
