/**
 * Joining on a slow machine, where the meeting keys are ready before the
 * camera and microphone have opened: "Join meeting" waits for them, so the
 * call never starts with no media while the toolbar says the camera is on.
 * And a person whose camera could not be opened joins with it shown off.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectAudioAudible, expectVideoFlowing } from './support/media.js';
import { plugInCamera, unplugCamera } from './support/no-camera.js';
import { makeDevicesSlow, openSlowDevices } from './support/slow-camera.js';
import { continueToPreJoin, control, expectPhase, getReadyToJoin, joinButton, joinMeeting, ownTile, peerIdOf } from './support/ui.js';

/** The width of the camera picture in your own tile (0 without one). */
function ownVideoWidth(page: Page): Promise<number> {
  return ownTile(page, 'Ada').locator('video[data-local]').evaluate((v: HTMLVideoElement) => v.videoWidth);
}

/** Key derivation on a busy 2-core box takes a few seconds (support/ui.ts allows 60 s). */
const KEYS_READY_MS = 60_000;

test('Join meeting waits for a slow camera, and the call then carries its video', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  await makeDevicesSlow(ada);
  await continueToPreJoin(ada.page, meeting);
  await ada.page.getByRole('textbox', { name: 'Your name' }).fill('Ada');
  // Keys ready, devices not yet: the page says what it waits for and will not join without them.
  await expect(ada.page.getByRole('status').filter({ hasText: 'Starting your camera and microphone…' })).toBeVisible({ timeout: KEYS_READY_MS });
  await expect(joinButton(ada.page)).toBeDisabled();

  await openSlowDevices(ada);
  const join = await getReadyToJoin(ada.page, 'Ada');
  await join.click();
  await expectPhase(ada.page, 'Ada', 'in-call');
  await expect(control(ada.page, 'Camera')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => ownVideoWidth(ada.page), { message: 'Ada sees her own camera' }).toBeGreaterThan(0);

  const bob = await people.open('Bob');
  await joinMeeting(bob.page, meeting, 'Bob');
  const adaId = await peerIdOf(bob.page, 'Ada');
  await expectVideoFlowing(bob.page, adaId);
  await expectAudioAudible(bob.page, adaId);
});

test('a camera that cannot be opened: joined with it shown off, told when turning it on fails, and it can be tried again', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  await unplugCamera(ada);
  await joinMeeting(ada.page, meeting, 'Ada');
  const camera = control(ada.page, 'Camera');
  await expect(camera).toHaveAttribute('aria-pressed', 'false');
  expect(await ownVideoWidth(ada.page)).toBe(0);

  await camera.click();
  await expect(ada.page.getByRole('alert').filter({ hasText: 'Your camera could not be started.' })).toBeVisible();
  await expect(camera).toHaveAttribute('aria-pressed', 'false');

  await plugInCamera(ada);
  await ada.page.getByRole('button', { name: 'Try the camera again' }).click();
  await expect(camera).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => ownVideoWidth(ada.page), { message: 'Ada sees her own camera' }).toBeGreaterThan(0);
  await expect(ada.page.getByRole('alert').filter({ hasText: 'Your camera could not be started.' })).toHaveCount(0);
});
