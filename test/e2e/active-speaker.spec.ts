/**
 * The person talking is highlighted for the others (audio levels from the
 * received RTP, src/renderer/engine/stats.ts), and someone muted never is.
 */
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { control, joinMeeting, peerIdOf, tile } from './support/ui.js';

test('the one who speaks is highlighted as the active speaker', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  await peerIdOf(bob.page, 'Ada');
  await peerIdOf(ada.page, 'Bob');

  // Bob goes quiet; Ada's fake microphone keeps beeping.
  await control(bob.page, 'Microphone').click();
  await expect(tile(ada.page, 'Bob')).toContainText('muted');

  await expect(tile(bob.page, 'Ada')).toContainText('speaking', { timeout: 15_000 });
  await expect(tile(ada.page, 'Bob')).not.toContainText('speaking');
});
