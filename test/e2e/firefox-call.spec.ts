/**
 * A mixed meeting: Ada in Chromium, Bob in Firefox (Debian's ESR, over
 * WebDriver BiDi). Each receives the other's camera and microphone over
 * DTLS-SRTP, both see the same safety code, and chat goes both ways: the
 * steps of two-person-call, safety-code and chat, run through the
 * browser-agnostic Participant (support/participant.ts).
 */
import { test, expect } from './support/mixed.js';
import { createMeeting } from './support/meetings.js';
import { expectAudioAudible, expectSecureTransports, expectVideoFlowing } from './support/media.js';
import { joinFigures } from './support/join-timing.js';
import { chromiumParticipant } from './support/participant.js';
import { expectChatFrom, invitePath, openPanelOf, joinFromInvite, peerIdIn, safetyCodeIn, sendChatAs } from './support/steps.js';

test('Chromium and Firefox: video and audio both ways over DTLS-SRTP, the same safety code, chat', async ({ people, firefoxPeople, server }) => {
  const meeting = await createMeeting(server);
  const ada = chromiumParticipant(await people.open('Ada', invitePath(meeting)));
  const bob = await firefoxPeople.open('Bob', invitePath(meeting));
  await joinFromInvite(ada, 'Ada');
  await joinFromInvite(bob, 'Bob');

  for (const [viewer, other] of [
    [ada, bob],
    [bob, ada],
  ] as const) {
    await test.step(`${viewer.name} (${viewer.browser}) receives ${other.name}`, async () => {
      const peerId = await peerIdIn(viewer, other.name);
      await expectVideoFlowing(viewer, peerId);
      await expectAudioAudible(viewer, peerId);
      await expectSecureTransports(viewer, 1);
    });
  }

  await test.step('figures for the bench line', async () => {
    // Bob joined a meeting Ada was already in: his click → first frame is a guest's. (Ada's
    // includes waiting for Bob; firefox-trust.spec.ts measures a Chromium guest joining Firefox.)
    // Printed, not asserted: measurements, not budgets.
    const onAda = await joinFigures(ada);
    const onBob = await joinFigures(bob);
    console.log(`[bench] key derivation: chromium ${Math.round(onAda.keyDerivationMs)} ms, firefox ${Math.round(onBob.keyDerivationMs)} ms`);
    console.log(`[bench] firefox guest: join click → first remote frame ${Math.round(onBob.joinToFirstFrameMs)} ms`);
  });

  await test.step('the same safety code on both screens', async () => {
    const onAda = await safetyCodeIn(ada, 'Bob');
    const onBob = await safetyCodeIn(bob, 'Ada');
    expect(onBob).toBe(onAda);
  });

  await test.step('chat both ways', async () => {
    // Open before anything arrives: the Chat button's name then gains ", 1 unread".
    for (const p of [ada, bob]) await openPanelOf(p, 'Chat');
    await sendChatAs(ada, 'Hello from Chromium');
    await expectChatFrom(bob, 'Ada', 'Hello from Chromium');
    await sendChatAs(bob, 'Hello from Firefox');
    await expectChatFrom(ada, 'Bob', 'Hello from Firefox');
  });
});
