/** A full mesh of four: everyone sees the three others' video, decoded and moving. */
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import type { Person } from './support/people.js';
import { expectSecureTransports, expectVideoFlowing } from './support/media.js';
import { joinMeeting, peerIdOf, videoRegion } from './support/ui.js';

const NAMES = ['Ada', 'Bob', 'Cyd', 'Dee'];

/**
 * Measured on 2 cores: 33 s quiet; 66 s and 90 s with `stress-ng --cpu 1` (four pages encoding and
 * decoding 12 streams, plus four key derivations). Budget: about 2.7× the slowest.
 */
const FOUR_PERSON_MS = 240_000;

test('four people in a mesh each see the three others', async ({ people, server }) => {
  test.setTimeout(FOUR_PERSON_MS);
  const meeting = await createMeeting(server);
  const everyone: Person[] = [];
  for (const name of NAMES) everyone.push(await people.open(name));
  // All at once, as a meeting starts in real life: joins and offers cross each other.
  await Promise.all(everyone.map((p) => joinMeeting(p.page, meeting, p.name)));

  for (const viewer of everyone) {
    await test.step(`${viewer.name} sees the other three`, async () => {
      await expect(videoRegion(viewer.page).locator('video[data-peer-id]')).toHaveCount(NAMES.length - 1);
      for (const other of everyone.filter((p) => p !== viewer)) {
        await expectVideoFlowing(viewer.page, await peerIdOf(viewer.page, other.name));
      }
      await expectSecureTransports(viewer.page, NAMES.length - 1);
    });
  }

  await test.step('each camera is captured at the size four people send (360 rows), not scaled per copy', async () => {
    for (const p of everyone) {
      // The track's own size: what every link's encoder takes as it is (capture-fit.ts).
      await expect.poll(() => p.page.evaluate(`document.querySelector('video[data-local]').srcObject.getVideoTracks()[0].getSettings().height`)).toBe(360);
    }
  });
});
