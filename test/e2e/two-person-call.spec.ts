/**
 * The core promise: two people join and each receives the other's camera and
 * microphone, over a peer connection that is DTLS-connected and encrypts
 * media with SRTP.
 */
import { test } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectAudioAudible, expectSecureTransports, expectVideoFlowing } from './support/media.js';
import { joinMeeting, peerIdOf } from './support/ui.js';

test('two people each receive the other’s video and audio over DTLS-SRTP', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');

  for (const [viewer, other] of [
    [ada, bob],
    [bob, ada],
  ] as const) {
    await test.step(`${viewer.name} receives ${other.name}`, async () => {
      const peerId = await peerIdOf(viewer.page, other.name);
      await expectVideoFlowing(viewer.page, peerId);
      await expectAudioAudible(viewer.page, peerId);
      await expectSecureTransports(viewer.page, 1);
    });
  }
});
