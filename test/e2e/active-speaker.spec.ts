/**
 * The person talking is highlighted, for the others and on their own tile
 * (audio levels from the received RTP and from what each link sends,
 * src/renderer/engine/stats.ts); muting ends the highlight at once, and
 * someone muted never has it. The speaker view puts whoever speaks on the
 * stage, and a window too small for everyone pages the gallery.
 *
 * Chromium's fake microphone beeps all the time, so everyone "speaks": the
 * scenario makes one person audible at a time by muting the others.
 */
import type { Page } from '@playwright/test';
import { LEVEL_INTERVAL_MS, SPEAKER_SILENCE_HOLD_MS } from '../../src/renderer/engine/stats.js';
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { control, joinMeeting, ownTile, peerIdOf, tile, videoRegion } from './support/ui.js';

/**
 * A mute reaches the others in one signaling hop (presence.update on
 * loopback); each side then drops the highlight at once, or at the next level
 * reading at worst. This allows for that hop, a render and Playwright's
 * polling on a busy machine.
 */
const HOP_AND_RENDER_ALLOWANCE_MS = 1_500;
/** From pressing "Microphone" to no tile reading "speaking". */
const MUTE_CLEARS_WITHIN_MS = LEVEL_INTERVAL_MS + HOP_AND_RENDER_ALLOWANCE_MS;
/** The first highlight waits for media to flow and the levels to rise (first readings need two samples). */
const FIRST_HIGHLIGHT_MS = 15_000;

test('the one who speaks is highlighted, on their own tile too; muting clears it at once', async ({ people, server }, testInfo) => {
  // Silence alone clears the highlight only after SPEAKER_SILENCE_HOLD_MS: a budget below it shows the mute did it.
  expect(MUTE_CLEARS_WITHIN_MS).toBeLessThan(SPEAKER_SILENCE_HOLD_MS);
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  await peerIdOf(bob.page, 'Ada');
  await peerIdOf(ada.page, 'Bob');

  // Bob goes quiet; Ada's fake microphone keeps beeping. Whoever was highlighted before,
  // Bob is not from the moment Ada sees him muted.
  await control(bob.page, 'Microphone').click();
  await expect(tile(ada.page, 'Bob')).toContainText('muted');
  await expect(tile(ada.page, 'Bob')).not.toContainText('speaking', { timeout: MUTE_CLEARS_WITHIN_MS });

  // Ada is the speaker: for Bob, and on her own tile.
  await expect(tile(bob.page, 'Ada')).toContainText('speaking', { timeout: FIRST_HIGHLIGHT_MS });
  await expect(ownTile(ada.page, 'Ada')).toContainText('speaking', { timeout: FIRST_HIGHLIGHT_MS });
  await expect(tile(ada.page, 'Bob')).not.toContainText('speaking');

  // Ada mutes too: within the budget, no tile reads "speaking" on either screen.
  const mutedAt = Date.now();
  await control(ada.page, 'Microphone').click();
  const left = () => Math.max(0, MUTE_CLEARS_WITHIN_MS - (Date.now() - mutedAt));
  await Promise.all(
    [ada.page, bob.page].map((page: Page) => expect(videoRegion(page)).not.toContainText('speaking', { timeout: left() })),
  );
  testInfo.annotations.push({ type: 'mute cleared the highlight', description: `${Date.now() - mutedAt} ms (budget ${MUTE_CLEARS_WITHIN_MS} ms)` });

  // Bob speaks again: he takes the highlight, on his own tile and at Ada's.
  await control(bob.page, 'Microphone').click();
  await expect(ownTile(bob.page, 'Bob')).toContainText('speaking', { timeout: FIRST_HIGHLIGHT_MS });
  await expect(tile(ada.page, 'Bob')).toContainText('speaking', { timeout: FIRST_HIGHLIGHT_MS });
  await expect(ownTile(ada.page, 'Ada')).not.toContainText('speaking');

  // Speaker view: the one who speaks (Bob; Ada is muted) takes the stage, Ada's own tile goes to the strip.
  const stage = videoRegion(ada.page).getByRole('group', { name: 'Stage', exact: true });
  await videoRegion(ada.page).getByRole('button', { name: 'Speaker view' }).click();
  await expect(stage.getByRole('group', { name: 'Bob', exact: true })).toBeVisible();
  await expect(ownTile(ada.page, 'Ada')).toBeVisible();
  await videoRegion(ada.page).getByRole('button', { name: 'Speaker view' }).click(); // back to the gallery
  await expect(stage).toHaveCount(0);

  // A window too small for two readable tiles (tile-pages.ts): the gallery shows one page at a time.
  // 320 px wide holds one column; 560 px high leaves the tiles one row (about 120 px) under the
  // meeting controls, which wrap to about 380 px at this width.
  await ada.page.setViewportSize({ width: 320, height: 560 });
  await expect(videoRegion(ada.page)).toContainText('Page 1 of 2');
  await expect(tile(ada.page, 'Bob')).toHaveCount(0);
  await videoRegion(ada.page).getByRole('button', { name: 'Next page' }).click();
  await expect(tile(ada.page, 'Bob')).toBeVisible();
  await expect(videoRegion(ada.page)).toContainText('Page 2 of 2');
  await ada.page.setViewportSize({ width: 1024, height: 700 });
  await expect(videoRegion(ada.page).getByRole('button', { name: 'Next page' })).toHaveCount(0); // one page again
  await expect(ownTile(ada.page, 'Ada')).toBeVisible();
});
