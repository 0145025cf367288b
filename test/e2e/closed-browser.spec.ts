/**
 * Someone's browser goes away without "Leave meeting".
 *
 * - It crashes (the renderer dies: no pagehide, no room.leave): the server
 *   keeps the place for the grace period in case they come back, then tells
 *   everyone (room.peerLeft, reason timeout) and the tile goes away for each
 *   of the others. The bound is the server's: a dead socket is noticed within
 *   two heartbeats (at once when the browser's network stack closes it), and
 *   the place is kept for --grace. This test's server uses short ones.
 * - It is closed (window or tab closed): the page still says goodbye on
 *   pagehide, so the others see the tile go at once.
 */
import { test, expect } from './support/fixtures.js';
import { report } from './support/flow.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { startOwnServer, type OwnServer } from './support/own-server.js';
import { People } from './support/people.js';
import { joinMeeting, peerIdOf, tile, videoRegion } from './support/ui.js';

const HEARTBEAT_MS = 2_000;
const GRACE_MS = 5_000;
/** Two heartbeats to notice a dead socket, the grace period, and slack for a busy machine. */
const BOUND_MS = 2 * HEARTBEAT_MS + GRACE_MS + 5_000;

for (const how of ['crashes', 'is closed'] as const) {
test(`a participant whose browser ${how} without leaving disappears for the others within the heartbeat bound`, async ({ browser }, testInfo) => {
  let server: OwnServer | null = null;
  let people: People | null = null;
  try {
    server = await startOwnServer({ args: ['--heartbeat', String(HEARTBEAT_MS), '--grace', String(GRACE_MS)] });
    people = new People(browser, server);
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    const cy = await people.open('Cy');
    await joinMeeting(ada.page, meeting, 'Ada');
    await joinMeeting(bob.page, meeting, 'Bob');
    await joinMeeting(cy.page, meeting, 'Cy');
    for (const p of [ada, cy]) await expectVideoFlowing(p.page, await peerIdOf(p.page, 'Bob'));

    const closedAt = Date.now();
    if (how === 'crashes') {
      // The renderer process dies on the spot: no pagehide, no room.leave, no close handshake from the page.
      await bob.page.goto('chrome://crash').catch(() => undefined);
    } else {
      await bob.context.close(); // no "Leave meeting" click
    }

    const gone = await Promise.all(
      [ada, cy].map(async (p) => {
        await expect(tile(p.page, 'Bob')).toHaveCount(0, { timeout: BOUND_MS });
        const at = Date.now();
        report(`browser ${how}: Bob's tile gone for ${p.name}`, at - closedAt);
        return at;
      }),
    );
    expect(Math.max(...gone) - closedAt).toBeLessThan(BOUND_MS);
    // And they are told, in words.
    const told = how === 'crashes' ? 'Bob lost their connection and left the meeting.' : 'Bob left the meeting.';
    for (const p of [ada, cy]) await expect(p.page.getByRole('status').filter({ hasText: told })).toBeVisible();
    console.log(`[recovery] browser ${how}: bound = 2 × heartbeat (${HEARTBEAT_MS} ms) + grace (${GRACE_MS} ms) + 5 s slack = ${BOUND_MS} ms`);
    // The others stay in the call with each other.
    for (const [p, other] of [
      [ada, 'Cy'],
      [cy, 'Ada'],
    ] as const) {
      await expect(videoRegion(p.page).getByRole('group')).toHaveCount(2);
      await expectVideoFlowing(p.page, await peerIdOf(p.page, other));
    }
  } finally {
    if (people) await people.closeAll(testInfo);
    if (server && testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server.log', { body: server.output() });
    await server?.stop();
  }
});
}
