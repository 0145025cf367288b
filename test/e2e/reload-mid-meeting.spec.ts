/**
 * A browser that reloads mid-meeting comes back into it by itself (the tab
 * kept the meeting in sessionStorage, src/renderer/ui/active-call.ts): the
 * reloaded page gets the others' media again, and the others keep exactly one tile for it
 * (the old place resumed, or replaced — never a ghost beside the new one).
 */
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { controls, expectPhase, joinMeeting, peerIdOf, tile } from './support/ui.js';

test('a browser that reloads mid-meeting comes back', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  await expectVideoFlowing(ada.page, await peerIdOf(ada.page, 'Bob'));

  await bob.page.reload();
  // Back in the meeting by itself, no click: same name, same meeting.
  await expect(controls(bob.page)).toBeVisible({ timeout: 60_000 });
  await expectPhase(bob.page, 'Bob', 'in-call');

  await expectVideoFlowing(bob.page, await peerIdOf(bob.page, 'Ada'));
  await expect(tile(ada.page, 'Bob')).toHaveCount(1, { timeout: 30_000 });
  await expectVideoFlowing(ada.page, await peerIdOf(ada.page, 'Bob'));
});
