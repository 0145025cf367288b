/** Muting and raising a hand show on the person's tile for everyone else; muting really silences. */
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectAudioAudible, peakAudioRms, SILENCE_RMS } from './support/media.js';
import { control, joinMeeting, peerIdOf, tile } from './support/ui.js';

test('others see when someone mutes and raises their hand', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  const cyd = await people.open('Cyd');
  for (const p of [ada, bob, cyd]) await joinMeeting(p.page, meeting, p.name);
  const adaOnBob = await peerIdOf(bob.page, 'Ada');
  await peerIdOf(cyd.page, 'Ada');
  await expectAudioAudible(bob.page, adaOnBob);

  const microphone = control(ada.page, 'Microphone');
  const pressedBefore = await microphone.getAttribute('aria-pressed');
  await microphone.click();
  await expect(microphone).not.toHaveAttribute('aria-pressed', pressedBefore ?? '');
  for (const viewer of [bob, cyd]) await expect(tile(viewer.page, 'Ada')).toContainText('muted');
  // Not just a label: what Bob hears from Ada is silence now.
  await expect.poll(() => peakAudioRms(bob.page, adaOnBob, 1500), { timeout: 10_000 }).toBeLessThan(SILENCE_RMS);

  await control(ada.page, 'Raise hand').click();
  await expect(control(ada.page, 'Raise hand')).toHaveAttribute('aria-pressed', 'true');
  for (const viewer of [bob, cyd]) await expect(tile(viewer.page, 'Ada')).toContainText('hand raised');

  // And back, with the keyboard shortcuts the toolbar advertises.
  await ada.page.keyboard.press('Control+h');
  await ada.page.keyboard.press('Control+d');
  for (const viewer of [bob, cyd]) {
    await expect(tile(viewer.page, 'Ada')).not.toContainText('hand raised');
    await expect(tile(viewer.page, 'Ada')).not.toContainText('muted');
  }
  await expectAudioAudible(bob.page, adaOnBob);
});
