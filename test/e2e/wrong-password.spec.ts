/** A wrong password is refused with a message, and the person is not let in. */
import { test, expect } from './support/fixtures.js';
import { generateMeetingPassword } from '../../src/common/crypto/meeting-password.js';
import { createMeeting } from './support/meetings.js';
import { controls, joinMeeting } from './support/ui.js';

test('a wrong meeting password is refused with a message', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const mallory = await people.open('Mallory');
  // A password that looks right (same alphabet and length) but is not this meeting's.
  let guess = generateMeetingPassword();
  while (guess === meeting.password) guess = generateMeetingPassword();
  await joinMeeting(mallory.page, { meetingId: meeting.meetingId, password: guess }, 'Mallory', 'refused');

  await expect(mallory.page.getByRole('alert')).toContainText('Wrong meeting ID or password.');
  await expect(controls(mallory.page)).toHaveCount(0);
});
