/**
 * Muting and raising a hand show on the person's tile for everyone else; muting really silences;
 * raised hands queue in the participants list in the order they went up.
 */
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectAudioAudible, peakAudioRms, SILENCE_RMS } from './support/media.js';
import { control, joinMeeting, openPanel, peerIdOf, tile } from './support/ui.js';

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

  // Cyd raises hers after Ada: Bob's participants list puts raised hands first, in the order they went up.
  await control(cyd.page, 'Raise hand').click();
  const rows = (await openPanel(bob.page, 'Participants')).getByRole('listitem');
  await expect(rows).toHaveText([/^Ada.*hand raised \(1st\)/, /^Cyd.*hand raised \(2nd\)/, /^Bob \(you\)/]);
  await control(cyd.page, 'Raise hand').click();
  await expect(rows).toHaveText([/^Ada.*hand raised \(1st\)/, /^Bob \(you\)/, /^Cyd/]);

  // And back, with the keyboard shortcuts the toolbar advertises.
  await ada.page.keyboard.press('Control+h');
  await ada.page.keyboard.press('Control+d');
  for (const viewer of [bob, cyd]) {
    await expect(tile(viewer.page, 'Ada')).not.toContainText('hand raised');
    await expect(tile(viewer.page, 'Ada')).not.toContainText('muted');
  }
  await expectAudioAudible(bob.page, adaOnBob);
});
