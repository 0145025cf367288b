/**
 * Trust in a mixed meeting, through the steps of safety-code and
 * malicious-server: Bob in Firefox (joined first), Ada in Chromium.
 * - the safety code is the same on both screens with Firefox on the other end
 *   (Firefox 153's getStats has no certificate entries: the code comes from the
 *   negotiated descriptions' fingerprints, src/renderer/engine/safety-code.ts);
 * - a server that swaps the DTLS fingerprints in what Ada sends Bob is caught by
 *   the SDP MAC in Firefox, and Bob is told who could not be verified;
 * - a replayed authentic offer is refused in Firefox (and Bob is told the call is
 *   still end-to-end verified), chat the server makes up never shows, and the
 *   honest call and chat go on (malicious-server.spec.ts's other checks).
 */
import { test, expect } from './support/mixed.js';
import { FirefoxPeople } from './support/firefox-people.js';
import { joinFigures } from './support/join-timing.js';
import { MaliciousServer, swapFingerprints } from './support/malicious-server.js';
import { createMeeting } from './support/meetings.js';
import { People } from './support/people.js';
import { chromiumParticipant } from './support/participant.js';
import { expectVideoFlowing } from './support/media.js';
import {
  chatTextsIn,
  expectChatFrom,
  invitePath,
  joinFromInvite,
  openPanelOf,
  peerIdIn,
  safetyCodeIn,
  sendChatAs,
  textIn,
  tileSelector,
  untilInPage,
  untilRoleText,
} from './support/steps.js';

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

test('a replayed offer and chat made up by the server are refused in Firefox, and the call goes on', async ({ browser, firefox, server }, testInfo) => {
  const evil = await MaliciousServer.start(server);
  const chromiumPeople = new People(browser, evil.address);
  const firefoxPeople = new FirefoxPeople(firefox, evil.address.origin);
  try {
    const meeting = await createMeeting(server);
    const ada = chromiumParticipant(await chromiumPeople.open('Ada', invitePath(meeting)));
    await joinFromInvite(ada, 'Ada');
    const bob = await firefoxPeople.open('Bob', invitePath(meeting));
    await joinFromInvite(bob, 'Bob');
    const adaOnBob = await peerIdIn(bob, 'Ada');
    await expectVideoFlowing(bob, adaOnBob);

    // The server plays Bob an authentic description it carried earlier.
    const old = evil.delivered.find((r) => r.toName === 'Bob' && r.fromName === 'Ada' && isDescription(r.message));
    expect(old, 'the proxy saw Ada describe her end to Bob').toBeDefined();
    evil.victim('Bob').deliver(old!.message);
    await untilRoleText(bob, 'alert', "an old, repeated message in Ada's name");
    await untilRoleText(bob, 'alert', 'still end-to-end verified');
    expect(await textIn(bob, tileSelector('Ada'))).not.toContain('not verified');

    // Chat the server makes up: a signal that looks like chat, and a frame shaped like an envelope.
    const adaId = evil.victim('Ada').peerId!;
    evil.victim('Bob').deliver({ type: 'signal', from: adaId, data: { kind: 'chat', text: 'INJECTED by the server' } });
    evil.victim('Bob').deliver({ type: 'signal', from: adaId, data: { v: 1, ep: 'A'.repeat(22), seq: 99, iv: 'A'.repeat(16), ct: 'INJECTED' } });
    await openPanelOf(bob, 'Chat');
    await sendChatAs(ada, 'hello from Ada');
    await expectChatFrom(bob, 'Ada', 'hello from Ada');
    expect(await chatTextsIn(bob)).toHaveLength(1);
    expect(await textIn(bob, 'body')).not.toContain('INJECTED');
    await expectVideoFlowing(bob, adaOnBob);
    await expectVideoFlowing(ada, await peerIdIn(ada, 'Bob'));
  } finally {
    await firefoxPeople.closeAll(testInfo);
    await chromiumPeople.closeAll(testInfo);
    await evil.close();
  }
});
