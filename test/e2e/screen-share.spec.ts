/**
 * Screen sharing in real Chromium. `--use-fake-ui-for-media-stream` makes
 * getDisplayMedia pick a fake screen without a picker (with a fake "system
 * audio" track); Chromium's fake screen is 1280×720 but is produced at the
 * size the app asks for, so with meriMeet's cap (1920×1080) it comes at
 * 1920×1080. The share must reach the others decoded at exactly the captured
 * size (the encoder is told never to scale it down), next to the camera, and
 * stop cleanly: the viewers' stage goes, the presenter's transceivers stop
 * sending, the camera goes on, and sharing again works on the same
 * transceiver.
 */
import type { Page } from '@playwright/test';
import { seriousViolations } from './support/axe.js';
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { decodedScreen, endCaptureAsTheBrowserWould, expectScreenDecoded, firstScreenFrameAt, screenSenders, shareButton, shareStage } from './support/screen.js';
import { plugInCamera, unplugCamera } from './support/no-camera.js';
import { controls, joinMeeting, peerIdOf } from './support/ui.js';

/** The size the presenter captures (and so must send and the others decode), once they share. */
async function capturedSize(page: Page): Promise<{ width: number; height: number }> {
  let size: { width: number; height: number } | null = null;
  await expect
    .poll(async () => {
      const track = (await screenSenders(page)).find((s) => s.track?.kind === 'video')?.track;
      size = track?.width && track.height ? { width: track.width, height: track.height } : null;
      return size;
    }, { message: 'the presenter captures a screen' })
    .not.toBeNull();
  // No smaller than Chromium's fake screen: nothing was scaled down before sending.
  expect(size!.width).toBeGreaterThanOrEqual(1280);
  expect(size!.height).toBeGreaterThanOrEqual(720);
  return size!;
}

/** Every screen transceiver of the presenter (video and the screen's audio) is inactive and sends no track. */
async function expectNothingShared(page: Page): Promise<void> {
  await expect
    .poll(async () => {
      const senders = await screenSenders(page);
      return senders.length > 0 && senders.every((s) => s.currentDirection === 'inactive' && s.track === null);
    }, { message: 'the screen transceivers are inactive, with no track' })
    .toBe(true);
}

/**
 * Measured on 2 cores: 26 s quiet; 60 s and 90 s with `stress-ng --cpu 1` (1080p screen plus cameras,
 * shared, stopped and shared again four times). Budget: about 2.7× the slowest.
 */
const SHARE_AGAIN_MS = 240_000;

test('a shared screen is seen at its full size, stops cleanly from the controls or the browser, and can be shared again', async ({ people, server }) => {
  test.setTimeout(SHARE_AGAIN_MS);
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  const adaId = await peerIdOf(bob.page, 'Ada');
  await expectVideoFlowing(bob.page, adaId);

  await test.step('Ada shares; Bob sees it large at 1280×720 with Ada’s camera small', async () => {
    const firstFrame = firstScreenFrameAt(bob.page);
    const clickedAt = Date.now();
    await shareButton(ada.page).click();
    await expect(shareButton(ada.page)).toHaveAttribute('aria-pressed', 'true');
    await expect(ada.page.getByRole('status').filter({ hasText: 'You are sharing your screen.' })).toBeVisible();
    const size = await capturedSize(ada.page);
    const decoded = await expectScreenDecoded(bob.page, adaId, size.width, size.height);
    console.log(`[screen-share] click → first share frame at the viewer: ${(await firstFrame) - clickedAt} ms; decoded ${decoded.frameWidth}x${decoded.frameHeight}`);
    await expect(bob.page.getByRole('status').filter({ hasText: 'Ada is sharing their screen.' })).toBeVisible();
    const stage = shareStage(bob.page, 'Ada');
    await expect(stage).toBeVisible();
    // The presenter's camera is on the stage, small, and still decoding.
    await expect(stage.getByRole('group', { name: 'Ada', exact: true })).toBeVisible();
    await expectVideoFlowing(bob.page, adaId);
    const stageBox = (await stage.boundingBox())!;
    const cameraBox = (await stage.getByRole('group', { name: 'Ada', exact: true }).boundingBox())!;
    expect(cameraBox.width * cameraBox.height).toBeLessThan((stageBox.width * stageBox.height) / 4);
    // Ada does not see a share of her own on a stage.
    await expect(ada.page.locator('video[data-screen-peer-id]')).toHaveCount(0);
    // Both sides of a share stay accessible (axe: no serious or critical violation).
    expect(await seriousViolations(bob.page)).toEqual([]);
    expect(await seriousViolations(ada.page)).toEqual([]);
  });

  let firstMid: string | null = null;
  await test.step('Ada sends it as a detail track, full resolution, low frame rate', async () => {
    const senders = await screenSenders(ada.page);
    const video = senders.find((s) => s.track?.kind === 'video');
    expect(video).toMatchObject({
      currentDirection: 'sendonly',
      track: { contentHint: 'detail', readyState: 'live' },
      scaleResolutionDownBy: 1,
      degradationPreference: 'maintain-resolution',
    });
    expect(video!.maxFramerate).toBeLessThanOrEqual(15);
    expect(video!.maxBitrate).toBeGreaterThan(1_500_000); // more than a camera gets in a two-person call
    firstMid = video!.mid;
    // The screen's sound, where the platform offers one (here Chromium's fake), goes along on its own transceiver.
    expect(senders.find((s) => s.track?.kind === 'audio')).toMatchObject({ currentDirection: 'sendonly', track: { readyState: 'live' } });
  });

  await test.step('one click takes the share full screen, and back', async () => {
    const stage = shareStage(bob.page, 'Ada');
    await stage.getByRole('button', { name: 'Full screen' }).click();
    await expect.poll(() => bob.page.evaluate(() => document.fullscreenElement?.getAttribute('aria-label') ?? null)).toBe("Ada's screen");
    await stage.getByRole('button', { name: 'Exit full screen' }).click();
    await expect.poll(() => bob.page.evaluate(() => document.fullscreenElement)).toBeNull();
  });

  await test.step('Ada stops from the controls: Bob’s stage goes, her transceiver stops sending, her camera goes on', async () => {
    await shareButton(ada.page).click();
    await expect(shareButton(ada.page)).toHaveAttribute('aria-pressed', 'false');
    await expect(shareStage(bob.page, 'Ada')).toHaveCount(0);
    await expect(bob.page.getByRole('status').filter({ hasText: 'is sharing their screen' })).toHaveCount(0);
    await expect(ada.page.getByRole('status').filter({ hasText: 'You are sharing your screen.' })).toHaveCount(0);
    expect(await decodedScreen(bob.page, adaId)).toBeNull();
    await expectNothingShared(ada.page);
    await expectVideoFlowing(bob.page, adaId);
  });

  await test.step('Ada shares again (same transceiver), then the browser’s own Stop sharing ends it', async () => {
    await shareButton(ada.page).click();
    const size = await capturedSize(ada.page);
    await expectScreenDecoded(bob.page, adaId, size.width, size.height);
    const senders = await screenSenders(ada.page);
    expect(senders.filter((s) => s.track?.kind === 'video').map((s) => s.mid)).toEqual([firstMid]);
    await endCaptureAsTheBrowserWould(ada.page);
    await expect(shareButton(ada.page)).toHaveAttribute('aria-pressed', 'false');
    await expect(shareStage(bob.page, 'Ada')).toHaveCount(0);
    await expectNothingShared(ada.page);
    await expectVideoFlowing(bob.page, adaId);
  });

  await test.step('Bob shares too, from his side of the link', async () => {
    const bobId = await peerIdOf(ada.page, 'Bob');
    await shareButton(bob.page).click();
    const size = await capturedSize(bob.page);
    await expectScreenDecoded(ada.page, bobId, size.width, size.height);
    await expect(ada.page.getByRole('status').filter({ hasText: 'Bob is sharing their screen.' })).toBeVisible();
    await bob.page.getByRole('button', { name: 'Stop sharing', exact: true }).click();
    await expect(shareStage(ada.page, 'Bob')).toHaveCount(0);
    await expectVideoFlowing(ada.page, bobId);
  });
});

test('three people: both viewers see the share at full size, one of them joining while it is on; keyboard start and stop', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  const cyd = await people.open('Cyd');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  await peerIdOf(ada.page, 'Bob');

  await expect(shareButton(ada.page)).toHaveAttribute('aria-keyshortcuts', 'Control+Shift+E');
  await ada.page.keyboard.press('Control+Shift+E');
  await expect(shareButton(ada.page)).toHaveAttribute('aria-pressed', 'true');
  // Cyd's link to Ada is made while Ada shares: it must carry the screen from the start.
  await joinMeeting(cyd.page, meeting, 'Cyd');
  const viewers = [bob, cyd];
  const adaIds = await Promise.all(viewers.map((v) => peerIdOf(v.page, 'Ada')));
  // Which end offers first depends on the (random) peer ids (negotiation.ts); both must work, say which ran.
  const cydId = await peerIdOf(ada.page, 'Cyd');
  console.log(`[screen-share] late joiner: Ada is ${adaIds[1]! > cydId ? 'polite (Cyd offers first)' : 'impolite (Ada offers first, screen included)'}`);
  const size = await capturedSize(ada.page);
  for (const [i, viewer] of viewers.entries()) {
    await test.step(`${viewer.name} sees Ada's share`, async () => {
      const decoded = await expectScreenDecoded(viewer.page, adaIds[i]!, size.width, size.height);
      console.log(`[screen-share] three people: ${viewer.name} decodes ${decoded.frameWidth}x${decoded.frameHeight}`);
      await expect(viewer.page.getByRole('status').filter({ hasText: 'Ada is sharing their screen.' })).toBeVisible();
    });
  }
  // One screen sender per viewer, each with the three-person budget.
  const senders = (await screenSenders(ada.page)).filter((s) => s.track?.kind === 'video');
  expect(senders).toHaveLength(2);
  for (const s of senders) expect(s).toMatchObject({ currentDirection: 'sendonly', scaleResolutionDownBy: 1 });

  await ada.page.keyboard.press('Control+Shift+E');
  await expectNothingShared(ada.page);
  for (const [i, viewer] of viewers.entries()) {
    await expect(shareStage(viewer.page, 'Ada')).toHaveCount(0);
    await expectVideoFlowing(viewer.page, adaIds[i]!);
  }
});

test('without cameras: one shares, the other plugs a camera in later, and the sharer sees that camera', async ({ people, server }) => {
  // Each has only a microphone, so the only idle video transceiver on Xi's side is the one Sam's screen
  // arrives on: turning Xi's camera on must not send it there (Sam's end of it only sends).
  const meeting = await createMeeting(server);
  const sam = await people.open('Sam');
  const xi = await people.open('Xi');
  await unplugCamera(sam);
  await unplugCamera(xi);
  await joinMeeting(sam.page, meeting, 'Sam');
  await joinMeeting(xi.page, meeting, 'Xi');
  const samId = await peerIdOf(xi.page, 'Sam');
  const xiId = await peerIdOf(sam.page, 'Xi');

  await shareButton(sam.page).click();
  const size = await capturedSize(sam.page);
  await expectScreenDecoded(xi.page, samId, size.width, size.height);

  await plugInCamera(xi);
  const camera = controls(xi.page).getByRole('button', { name: /^Camera\b/ });
  // Joined without a camera: the toolbar says so (off), and turning it on opens the camera now plugged in.
  await expect(camera).toHaveAttribute('aria-pressed', 'false');
  await camera.click();
  await expect(camera).toHaveAttribute('aria-pressed', 'true');
  await expectVideoFlowing(sam.page, xiId);
  // And the share still reaches Xi.
  await expectScreenDecoded(xi.page, samId, size.width, size.height);
});
