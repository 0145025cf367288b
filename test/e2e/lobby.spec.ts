/**
 * A meeting with a lobby: a guest with the right password waits until the
 * host (the owner, logged in) admits or denies them.
 */
import { test, expect } from './support/fixtures.js';
import { createMeeting, type Meeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import type { People, Person } from './support/people.js';
import { controls, joinMeeting, logIn, openPanel, peerIdOf, tile } from './support/ui.js';

async function hostAndWaitingGuest(people: People, meeting: Meeting): Promise<{ host: Person; guest: Person }> {
  const host = await people.open('Hana');
  await logIn(host.page, meeting.owner);
  await joinMeeting(host.page, meeting, 'Hana');
  const guest = await people.open('Gus');
  await joinMeeting(guest.page, meeting, 'Gus', 'lobby');
  // Waiting means nobody's media yet, in either direction.
  await expect(guest.page.locator('video[data-peer-id]')).toHaveCount(0);
  await expect(tile(host.page, 'Gus')).toHaveCount(0);
  return { host, guest };
}

test('the host admits a guest from the lobby', async ({ people, server }) => {
  const meeting = await createMeeting(server, { lobby: true });
  const { host, guest } = await hostAndWaitingGuest(people, meeting);

  const panel = await openPanel(host.page, 'Participants');
  await panel.getByRole('button', { name: 'Admit Gus' }).click();

  await expect(guest.page.getByRole('status').filter({ hasText: 'Waiting for the host' })).toHaveCount(0);
  await expectVideoFlowing(guest.page, await peerIdOf(guest.page, 'Hana'));
  await expectVideoFlowing(host.page, await peerIdOf(host.page, 'Gus'));
});

test('the host denies a guest from the lobby', async ({ people, server }) => {
  const meeting = await createMeeting(server, { lobby: true });
  const { host, guest } = await hostAndWaitingGuest(people, meeting);

  const panel = await openPanel(host.page, 'Participants');
  await panel.getByRole('button', { name: 'Deny Gus' }).click();

  await expect(guest.page.getByRole('alert')).toContainText('The host did not let you in.');
  await expect(controls(guest.page)).toHaveCount(0);
  await expect(tile(host.page, 'Gus')).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Admit Gus' })).toHaveCount(0);
});
