/** Leaving takes you out (and your tile off everyone's screen); Rejoin brings you back with media. */
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { controls, expectPhase, joinButton, joinMeeting, peerIdOf, tile } from './support/ui.js';

test('someone leaves the meeting and rejoins it', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  const bobBefore = await peerIdOf(ada.page, 'Bob');
  await expectVideoFlowing(ada.page, bobBefore);

  await controls(bob.page).getByRole('button', { name: 'Leave meeting' }).click();
  await expect(bob.page.getByRole('heading', { name: 'You left the meeting' })).toBeVisible();
  await expect(tile(ada.page, 'Bob')).toHaveCount(0);

  await bob.page.getByRole('button', { name: 'Rejoin' }).click();
  // Rejoin may go straight back in, or through pre-join with everything filled in; either is one step for Bob.
  const preJoin = bob.page.getByRole('heading', { level: 1, name: 'Ready to join?' });
  const inCall = controls(bob.page);
  await expect(preJoin.or(inCall)).toBeVisible();
  if (await preJoin.isVisible()) {
    await expect(joinButton(bob.page)).toBeEnabled({ timeout: 60_000 });
    await joinButton(bob.page).click();
  }
  await expectPhase(bob.page, 'Bob', 'in-call');

  await expect(tile(ada.page, 'Bob')).toHaveCount(1);
  await expectVideoFlowing(ada.page, await peerIdOf(ada.page, 'Bob'));
  await expectVideoFlowing(bob.page, await peerIdOf(bob.page, 'Ada'));
});
