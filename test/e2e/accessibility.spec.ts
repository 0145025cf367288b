/** axe-core finds no serious or critical accessibility violation on the home, pre-join and meeting screens. */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { continueToPreJoin, getReadyToJoin, joinButton, expectPhase, peerIdOf, openPanel, joinMeeting } from './support/ui.js';

/** The violations that block people, one line each, so a failure says what and where. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('home, pre-join and meeting screens have no serious accessibility violations', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');

  await test.step('home', async () => {
    await expect(ada.page.getByRole('heading', { level: 1, name: 'meriMeet' })).toBeVisible();
    expect(await seriousViolations(ada.page)).toEqual([]);
  });

  await test.step('pre-join', async () => {
    await continueToPreJoin(ada.page, meeting);
    await getReadyToJoin(ada.page, 'Ada');
    expect(await seriousViolations(ada.page)).toEqual([]);
  });

  await test.step('meeting, with someone else in it and both side panels open', async () => {
    await joinButton(ada.page).click();
    await expectPhase(ada.page, 'Ada', 'in-call');
    await joinMeeting(bob.page, meeting, 'Bob');
    await peerIdOf(ada.page, 'Bob');
    expect(await seriousViolations(ada.page)).toEqual([]);
    await openPanel(ada.page, 'Chat');
    await openPanel(ada.page, 'Participants');
    expect(await seriousViolations(ada.page)).toEqual([]);
  });
});
