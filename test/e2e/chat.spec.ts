/** Chat among three: every message reaches both others, with its sender's name; unread counts show. */
import { test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import type { Person } from './support/people.js';
import { chatMessages, control, joinMeeting, openPanel, peerIdOf, sendChat } from './support/ui.js';

/** Markup in a message must arrive as text, never as HTML. */
const FIRST = 'Good morning <b>all</b>';

test('three people chat and each sees every message with its sender', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  const cyd = await people.open('Cyd');
  const everyone = [ada, bob, cyd];
  for (const p of everyone) await joinMeeting(p.page, meeting, p.name);
  // Chat goes peer to peer: wait until everyone is connected to everyone.
  for (const p of everyone) for (const other of others(everyone, p)) await peerIdOf(p.page, other.name);

  await sendChat(ada.page, FIRST);
  // Cyd has not opened the chat: the button says there is something to read.
  await expect(control(cyd.page, 'Chat')).toHaveAccessibleName(/^Chat, 1 unread/);
  for (const p of everyone) {
    await openPanel(p.page, 'Chat');
    await expect(chatMessages(p.page).filter({ hasText: FIRST })).toHaveCount(1);
  }
  for (const p of others(everyone, ada)) {
    await expect(chatMessages(p.page).filter({ hasText: FIRST })).toContainText('Ada');
    await expect(chatMessages(p.page).locator('b')).toHaveCount(0);
  }

  await sendChat(bob.page, 'Morning! Here now.');
  await sendChat(cyd.page, 'Hello, hello.');
  for (const p of everyone) await expect(chatMessages(p.page)).toHaveCount(3);
  for (const p of others(everyone, bob)) {
    await expect(chatMessages(p.page).filter({ hasText: 'Morning! Here now.' })).toContainText('Bob');
  }
  for (const p of others(everyone, cyd)) {
    await expect(chatMessages(p.page).filter({ hasText: 'Hello, hello.' })).toContainText('Cyd');
  }
});

function others(everyone: Person[], me: Person): Person[] {
  return everyone.filter((p) => p !== me);
}
