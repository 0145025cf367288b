/**
 * The signaling server cannot listen in. Everyone connects through a
 * malicious server (support/malicious-server.ts: the real server behind a
 * hostile proxy that can alter, replay or invent any frame), and:
 *
 * - a swapped `a=fingerprint` (the classic man in the middle) is refused,
 *   the person is told who could not be verified, and the honest parts of
 *   the meeting keep working;
 * - a replayed old offer is refused and the call goes on;
 * - a forged `from` and an injected chat message are refused.
 */
import { hostileTest as test, expect } from './support/fixtures.js';
import { swapFingerprints } from './support/malicious-server.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { chatMessages, joinMeeting, openPanel, peerIdOf, sendChat, tile } from './support/ui.js';

const isDescription = (m: Record<string, unknown>) => m.type === 'signal' && (m.data as { kind?: string } | undefined)?.kind === 'description';

test('a swapped DTLS fingerprint is refused, the person is told who, and the rest of the meeting goes on', async ({ server, evil, people }) => {
  // Everything Ada sends Bob arrives with the attacker's fingerprint.
  evil.tamper = (m, to, proxy) => {
    if (!isDescription(m) || to.name !== 'Bob' || proxy.nameOf(m.from) !== 'Ada') return m;
    const data = structuredClone(m.data) as { description: { sdp: string } };
    data.description.sdp = swapFingerprints(data.description.sdp);
    return { ...m, data };
  };
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  const cyd = await people.open('Cyd');
  for (const p of [ada, bob, cyd]) await joinMeeting(p.page, meeting, p.name);

  await expect(bob.page.getByRole('alert').filter({ hasText: 'Ada could not be verified' })).toBeVisible({ timeout: 30_000 });
  await expect(tile(bob.page, 'Ada')).toContainText('not verified');
  // No media from Ada ever reached Bob: the tile has no decoded video.
  expect(await tile(bob.page, 'Ada').locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(0);

  // Honest pairs are untouched.
  await expectVideoFlowing(bob.page, await peerIdOf(bob.page, 'Cyd'));
  await expectVideoFlowing(ada.page, await peerIdOf(ada.page, 'Cyd'));
  await expectVideoFlowing(cyd.page, await peerIdOf(cyd.page, 'Ada'));
  await expectVideoFlowing(cyd.page, await peerIdOf(cyd.page, 'Bob'));
});

test('a replayed offer is refused and the call goes on', async ({ server, evil, people }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  const adaOnBob = await peerIdOf(bob.page, 'Ada');
  await expectVideoFlowing(bob.page, adaOnBob);

  // The server plays Bob an authentic description it carried earlier.
  const old = evil.delivered.find((r) => r.toName === 'Bob' && r.fromName === 'Ada' && isDescription(r.message));
  expect(old, 'the proxy saw Ada describe her end to Bob').toBeDefined();
  evil.victim('Bob').deliver(old!.message);

  await expect(bob.page.getByRole('alert').filter({ hasText: "an old, repeated message in Ada's name" })).toBeVisible();
  await expect(bob.page.getByRole('alert')).toContainText('still end-to-end verified');
  await expect(tile(bob.page, 'Ada')).not.toContainText('not verified');
  await expectVideoFlowing(bob.page, adaOnBob);
  await expectVideoFlowing(ada.page, await peerIdOf(ada.page, 'Bob'));
});

test('a forged sender and an injected chat message are refused', async ({ server, evil, people }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  const cyd = await people.open('Cyd');
  for (const p of [ada, bob, cyd]) await joinMeeting(p.page, meeting, p.name);
  await expectVideoFlowing(bob.page, await peerIdOf(bob.page, 'Ada'));
  await expectVideoFlowing(bob.page, await peerIdOf(bob.page, 'Cyd'));

  // Ada's authentic description, re-labelled as coming from Cyd.
  const adas = evil.delivered.find((r) => r.toName === 'Bob' && r.fromName === 'Ada' && isDescription(r.message))!;
  const cydId = evil.victim('Cyd').peerId!;
  evil.victim('Bob').deliver({ ...adas.message, from: cydId });
  await expect(bob.page.getByRole('alert').filter({ hasText: "failed its end-to-end check in Cyd's name" })).toBeVisible();

  // Chat the server makes up, in every shape it could try: a signal that looks like chat,
  // and a frame shaped like a real encrypted chat envelope.
  const adaId = evil.victim('Ada').peerId!;
  evil.victim('Bob').deliver({ type: 'signal', from: adaId, data: { kind: 'chat', text: 'INJECTED by the server' } });
  evil.victim('Bob').deliver({ type: 'signal', from: adaId, data: { v: 1, ep: 'A'.repeat(22), seq: 99, iv: 'A'.repeat(16), ct: 'INJECTED' } });
  await openPanel(bob.page, 'Chat');

  // Honest chat still works, and is the only thing Bob sees.
  await sendChat(cyd.page, 'hello from Cyd');
  await expect(chatMessages(bob.page).filter({ hasText: 'hello from Cyd' })).toHaveCount(1);
  await expect(chatMessages(bob.page)).toHaveCount(1);
  await expect(bob.page.getByText('INJECTED')).toHaveCount(0);
  // And the forged description did not disturb the real Cyd or Ada.
  await expectVideoFlowing(bob.page, await peerIdOf(bob.page, 'Cyd'));
  await expectVideoFlowing(bob.page, await peerIdOf(bob.page, 'Ada'));
});
