/** Chat among three: every message reaches both others, with its sender's name; unread counts show. */
import { test, expect } from './support/fixtures.js';
import { MaliciousServer } from './support/malicious-server.js';
import { createMeeting } from './support/meetings.js';
import { People, type Person } from './support/people.js';
import { chatMessages, control, joinMeeting, openPanel, peerIdOf, sendChat, tile } from './support/ui.js';

/** Markup in a message must arrive as text, never as HTML. */
const FIRST = 'Good morning <b>all</b>';

/** Measured on 2 cores: 18 s quiet; 60 s and 72 s with `stress-ng --cpu 1`. Budget: 2.5× the slowest. */
const THREE_PERSON_CHAT_MS = 180_000;

test('three people chat and each sees every message with its sender', async ({ people, server }) => {
  test.setTimeout(THREE_PERSON_CHAT_MS);
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

test('a message sent before the connection to someone is up still reaches them', async ({ browser, server }, testInfo) => {
  // The connection set-up to Bob is held back for a few seconds (a slow server), so when
  // Ada sees Bob arrive and writes at once, there is no open data channel to him yet.
  const slow = await MaliciousServer.start(server);
  const people = new People(browser, slow.address);
  try {
    slow.tamper = (m, to) => {
      if (m.type !== 'signal' || to.name !== 'Bob') return m;
      setTimeout(() => to.deliver(m), 3_000);
      return null;
    };
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    await joinMeeting(ada.page, meeting, 'Ada');
    await joinMeeting(bob.page, meeting, 'Bob');
    await expect(tile(ada.page, 'Bob')).toBeVisible();
    await sendChat(ada.page, 'Welcome, Bob!');
    expect(await tile(ada.page, 'Bob').textContent()).not.toContain('Connection:'); // still connecting
    await openPanel(bob.page, 'Chat');
    await expect(chatMessages(bob.page).filter({ hasText: 'Welcome, Bob!' })).toHaveCount(1, { timeout: 20_000 });
  } finally {
    await people.closeAll(testInfo);
    await slow.close();
  }
});
