/**
 * Driving the web client the way a person does, by role and accessible name
 * only (docs/ui-contract.md is the list of names; change them there first).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { Meeting } from './meetings.js';

/** Key derivation (PBKDF2, 600,000 iterations) keeps "Join meeting" disabled for a while on a busy box. */
const KEYS_READY_MS = 60_000;

export function joinForm(page: Page): Locator {
  return page.getByRole('form', { name: 'Join a meeting' });
}

/** Home → pre-join: types the meeting id and password and presses Continue. */
export async function continueToPreJoin(page: Page, meeting: Pick<Meeting, 'meetingId' | 'password'>): Promise<void> {
  const form = joinForm(page);
  await form.getByRole('textbox', { name: 'Meeting ID' }).fill(meeting.meetingId);
  await form.getByLabel('Meeting password').fill(meeting.password);
  await form.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ready to join?' })).toBeVisible();
}

export function joinButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Join meeting' });
}

/** Pre-join: names yourself and waits for the keys, without pressing Join yet. */
export async function getReadyToJoin(page: Page, displayName: string): Promise<Locator> {
  await page.getByRole('textbox', { name: 'Your name' }).fill(displayName);
  const join = joinButton(page);
  await expect(join).toBeEnabled({ timeout: KEYS_READY_MS });
  return join;
}

export type JoinOutcome = 'in-call' | 'lobby' | 'refused';

/** Home → pre-join → Join meeting, then waits for what should happen next. */
export async function joinMeeting(
  page: Page,
  meeting: Pick<Meeting, 'meetingId' | 'password'>,
  displayName: string,
  outcome: JoinOutcome = 'in-call',
  options: { relayOnly?: boolean; cameraOff?: boolean } = {},
): Promise<void> {
  await continueToPreJoin(page, meeting);
  if (options.relayOnly !== undefined) await page.getByRole('checkbox', { name: 'Connect through the relay only' }).setChecked(options.relayOnly);
  if (options.cameraOff !== undefined) await page.getByRole('checkbox', { name: 'Join with camera off' }).setChecked(options.cameraOff);
  const join = await getReadyToJoin(page, displayName);
  await join.click();
  await expectPhase(page, displayName, outcome);
}

export async function expectPhase(page: Page, displayName: string, outcome: JoinOutcome): Promise<void> {
  if (outcome === 'in-call') {
    await expect(ownTile(page, displayName)).toBeVisible();
    await expect(page.getByRole('toolbar', { name: 'Meeting controls' })).toBeVisible();
  } else if (outcome === 'lobby') {
    await expect(page.getByRole('status').filter({ hasText: 'Waiting for the host to let you in…' })).toBeVisible();
  }
}

/** Home, logged out: the account form. Leaves the person signed in. */
export async function logIn(page: Page, account: { username: string; password: string }): Promise<void> {
  const form = page.getByRole('form', { name: 'Your account' });
  await form.getByRole('textbox', { name: 'Username' }).fill(account.username);
  await form.getByLabel('Account password').fill(account.password);
  await form.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(`Signed in as ${account.username}`)).toBeVisible();
}

export function videoRegion(page: Page): Locator {
  return page.getByRole('region', { name: "Participants' video" });
}

/** Someone else's tile, named by their display name. */
export function tile(page: Page, displayName: string): Locator {
  return videoRegion(page).getByRole('group', { name: displayName, exact: true });
}

export function ownTile(page: Page, displayName: string): Locator {
  return videoRegion(page).getByRole('group', { name: `${displayName} (you)`, exact: true });
}

/** The peer id the page shows someone's video under (waits for their tile and video). */
export async function peerIdOf(page: Page, displayName: string): Promise<string> {
  const video = tile(page, displayName).locator('video[data-peer-id]');
  await expect(video).toHaveCount(1);
  const id = await video.getAttribute('data-peer-id');
  if (!id) throw new Error(`${displayName}'s video has an empty data-peer-id`);
  return id;
}

export function controls(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Meeting controls' });
}

/** A toggle in the meeting toolbar. Names may gain a suffix (", 3 unread"), so match the start. */
export function control(page: Page, name: 'Microphone' | 'Camera' | 'Raise hand' | 'Chat' | 'Participants'): Locator {
  return controls(page).getByRole('button', { name: new RegExp(`^${name}\\b`) });
}

export async function openPanel(page: Page, name: 'Chat' | 'Participants'): Promise<Locator> {
  const toggle = control(page, name);
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const panel = page.getByRole('complementary', { name });
  await expect(panel).toBeVisible();
  return panel;
}

export async function sendChat(page: Page, text: string): Promise<void> {
  const chat = await openPanel(page, 'Chat');
  await chat.getByRole('textbox', { name: 'Message' }).fill(text);
  await chat.getByRole('button', { name: 'Send', exact: true }).click();
}

export function chatMessages(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Chat' }).getByRole('list', { name: 'Messages' }).getByRole('listitem');
}
