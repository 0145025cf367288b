/**
 * Screen sharing in a mixed meeting, with the checks of screen-share.spec.ts
 * (support/screen.ts's decodedScreen, run through the Participant): Chromium
 * shares with its shortcut (Ctrl+Shift+E), Firefox decodes the share at a real
 * size and keeps decoding it, and it goes when stopped.
 *
 * Not covered: Firefox as the presenter. Headless Firefox ESR 153 here refuses
 * getDisplayMedia (the person reads "Your screen could not be shared.", seen in
 * a run of this spec), so there is nothing to send from it in this harness.
 */
import { test, expect } from './support/mixed.js';
import { createMeeting } from './support/meetings.js';
import { chromiumParticipant, type Participant } from './support/participant.js';
import { decodedScreen } from './support/screen.js';
import { invitePath, joinFromInvite, peerIdIn } from './support/steps.js';

async function expectShareDecoded(viewer: Participant, presenterId: string): Promise<void> {
  await expect
    .poll(async () => (await decodedScreen(viewer, presenterId))?.frameWidth ?? 0, { message: `${viewer.name} (${viewer.browser}) decodes the share` })
    .toBeGreaterThan(0);
  const before = (await decodedScreen(viewer, presenterId))!.framesDecoded;
  await expect.poll(async () => (await decodedScreen(viewer, presenterId))?.framesDecoded ?? 0, { message: 'and keeps decoding it' }).toBeGreaterThan(before);
}

test('Chromium shares its screen to Firefox, which decodes it until it stops', async ({ people, firefoxPeople, server }) => {
  const meeting = await createMeeting(server);
  const ada = chromiumParticipant(await people.open('Ada', invitePath(meeting)));
  const bob = await firefoxPeople.open('Bob', invitePath(meeting));
  await joinFromInvite(ada, 'Ada', { muted: true });
  await joinFromInvite(bob, 'Bob', { muted: true });
  const adaId = await peerIdIn(bob, 'Ada');
  await peerIdIn(ada, 'Bob');

  await ada.press('Control+Shift+E');
  await expectShareDecoded(bob, adaId);
  await ada.press('Control+Shift+E');
  await expect.poll(() => decodedScreen(bob, adaId), { message: 'the share goes on stop' }).toBeNull();
});
