/**
 * Trust in a mixed meeting, through the steps of safety-code and
 * malicious-server: Bob in Firefox (joined first), Ada in Chromium.
 * - the safety code is the same on both screens with Firefox on the other end
 *   (Firefox 153's getStats has no certificate entries: the code comes from the
 *   negotiated descriptions' fingerprints, src/renderer/engine/safety-code.ts);
 * - a server that swaps the DTLS fingerprints in what Ada sends Bob is caught by
 *   the SDP MAC in Firefox, and Bob is told who could not be verified.
 */
import { test, expect } from './support/mixed.js';
import { FirefoxPeople } from './support/firefox-people.js';
import { joinFigures } from './support/join-timing.js';
import { MaliciousServer, swapFingerprints } from './support/malicious-server.js';
import { createMeeting } from './support/meetings.js';
import { People } from './support/people.js';
import { chromiumParticipant } from './support/participant.js';
import { invitePath, joinFromInvite, peerIdIn, safetyCodeIn, untilInPage } from './support/steps.js';

test('Firefox first, Chromium joining: the same safety code, and the Chromium guest\'s figures', async ({ people, firefoxPeople, server }) => {
  const meeting = await createMeeting(server);
  const bob = await firefoxPeople.open('Bob', invitePath(meeting));
  await joinFromInvite(bob, 'Bob');
  const ada = chromiumParticipant(await people.open('Ada', invitePath(meeting)));
  await joinFromInvite(ada, 'Ada');
  await peerIdIn(bob, 'Ada');
  await peerIdIn(ada, 'Bob');

  const onBob = await safetyCodeIn(bob, 'Ada');
  const onAda = await safetyCodeIn(ada, 'Bob');
  expect(onAda).toBe(onBob);

  const f = await joinFigures(ada);
  console.log(`[bench] chromium guest: join click → first remote frame ${Math.round(f.joinToFirstFrameMs)} ms (key derivation ${Math.round(f.keyDerivationMs)} ms)`);
});

const isDescription = (m: Record<string, unknown>) => m.type === 'signal' && (m.data as { kind?: string } | undefined)?.kind === 'description';

test('a swapped DTLS fingerprint is refused in Firefox, and Bob is told who', async ({ browser, firefox, server }, testInfo) => {
  const evil = await MaliciousServer.start(server);
  const chromiumPeople = new People(browser, evil.address);
  const firefoxPeople = new FirefoxPeople(firefox, evil.address.origin);
  try {
    evil.tamper = (m, to, proxy) => {
      if (!isDescription(m) || to.name !== 'Bob' || proxy.nameOf(m.from) !== 'Ada') return m;
      const data = structuredClone(m.data) as { description: { sdp: string } };
      data.description.sdp = swapFingerprints(data.description.sdp);
      return { ...m, data };
    };
    const meeting = await createMeeting(server);
    const bob = await firefoxPeople.open('Bob', invitePath(meeting));
    await joinFromInvite(bob, 'Bob');
    const ada = chromiumParticipant(await chromiumPeople.open('Ada', invitePath(meeting)));
    await joinFromInvite(ada, 'Ada');

    // 30 s, as malicious-server.spec.ts: the refusal follows a full offer/answer round.
    await untilInPage(
      bob,
      () => [...document.querySelectorAll('[role="alert"]')].some((a) => (a.textContent ?? '').includes('Ada could not be verified')),
      null,
      'alert "Ada could not be verified"',
      30_000,
    );
    await untilInPage(
      bob,
      () => (document.querySelector('[role="group"][aria-label="Ada"]')?.textContent ?? '').includes('not verified'),
      null,
      "Ada's tile says not verified",
    );
    // No media from Ada ever reached Bob.
    expect(await bob.evaluate(() => document.querySelector<HTMLVideoElement>('[role="group"][aria-label="Ada"] video')?.videoWidth ?? 0, null)).toBe(0);
  } finally {
    await firefoxPeople.closeAll(testInfo);
    await chromiumPeople.closeAll(testInfo);
    await evil.close();
  }
});
