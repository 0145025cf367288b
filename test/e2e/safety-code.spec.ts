/**
 * Two people on an honest connection see the same safety code for each other
 * (derived from the DTLS certificates their browsers actually used; that a
 * man in the middle makes the codes differ is shown in
 * src/renderer/engine/safety-code.test.ts).
 */
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { joinMeeting, openPanel, peerIdOf } from './support/ui.js';

async function safetyCodeWith(page: import('@playwright/test').Page, name: string): Promise<string> {
  const panel = await openPanel(page, 'Participants');
  const line = panel.getByText(`Safety code with ${name}:`);
  await expect(line).toContainText(/\d{4} \d{4} \d{4} \d{4}/, { timeout: 20_000 });
  return (await line.textContent())!.match(/\d{4} \d{4} \d{4} \d{4}/)![0];
}

test('both people see the same safety code for their connection', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await joinMeeting(ada.page, meeting, 'Ada');
  await joinMeeting(bob.page, meeting, 'Bob');
  await peerIdOf(ada.page, 'Bob');
  await peerIdOf(bob.page, 'Ada');

  const onAda = await safetyCodeWith(ada.page, 'Bob');
  const onBob = await safetyCodeWith(bob.page, 'Ada');
  expect(onAda).toBe(onBob);
});
