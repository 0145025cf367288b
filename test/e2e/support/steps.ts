/**
 * Steps of the end-to-end specs written once against a Participant
 * (support/participant.ts), so the same step runs for a person in Chromium or
 * in Firefox. Everything is found by role and accessible name
 * (docs/ui-contract.md); what a page shows is read inside it.
 */
import { expect } from '@playwright/test';
import { armJoinStopwatch } from './join-timing.js';
import type { Meeting } from './meetings.js';
import { runInPage, type Participant } from './participant.js';

/**
 * Key derivation (PBKDF2, 600,000 iterations) keeps "Join meeting" disabled: measured 0.6–2.2 s in
 * either browser here (firefox-call prints it), reported at 7.6–9.4 s in Firefox under load (issue
 * 18); 60 s is the budget support/ui.ts gives it too.
 */
export const KEYS_READY_MS = 60_000;

/** What a guest opens: the invite link (the password only in the fragment). */
export function invitePath(meeting: Pick<Meeting, 'meetingId' | 'password'>): string {
  return `/#m=${encodeURIComponent(meeting.meetingId)}&p=${encodeURIComponent(meeting.password)}`;
}

/** Polls `fn(arg)` in the page until it returns true. */
export async function untilInPage<A>(p: Participant, fn: (arg: A) => boolean, arg: A, message: string, timeoutMs = 20_000): Promise<void> {
  await expect.poll(() => runInPage(p, fn, arg), { message: `${p.name} (${p.browser}): ${message}`, timeout: timeoutMs }).toBe(true);
}

/** Pre-join (opened from an invite link) → Join meeting → in the call. */
export async function joinFromInvite(
  p: Participant,
  displayName: string,
  options: { relayOnly?: boolean; cameraOff?: boolean; muted?: boolean } = {},
): Promise<void> {
  await untilInPage(p, () => [...document.querySelectorAll('h1')].some((h) => h.textContent === 'Ready to join?'), null, 'pre-join shows');
  if (options.relayOnly !== undefined) await p.setChecked('Connect through the relay only', options.relayOnly);
  if (options.cameraOff !== undefined) await p.setChecked('Join with camera off', options.cameraOff);
  if (options.muted !== undefined) await p.setChecked('Join muted', options.muted);
  await p.fill('Your name', displayName);
  await armJoinStopwatch(p);
  await p.click('button', 'Join meeting', KEYS_READY_MS);
  await untilInPage(p, (me) => document.querySelector(`[role="group"][aria-label="${CSS.escape(me)} (you)"]`) !== null, displayName, 'own tile shows');
}

/** The peer id under which `p` shows `other`'s video (waits for their tile and video). */
export async function peerIdIn(p: Participant, other: string, timeoutMs = 20_000): Promise<string> {
  const find = (name: string) =>
    document.querySelector(`[aria-label="Participants' video"] [role="group"][aria-label="${CSS.escape(name)}"] video[data-peer-id]`)?.getAttribute('data-peer-id') ?? '';
  await expect.poll(() => runInPage(p, find, other), { message: `${p.name}: ${other}'s video`, timeout: timeoutMs }).not.toBe('');
  return runInPage(p, find, other);
}

/** Opens a panel ("Chat", "Participants") unless it is open. */
export async function openPanelOf(p: Participant, panel: 'Chat' | 'Participants'): Promise<void> {
  const isOpen = (name: string) => document.querySelector(`aside[aria-label="${name}"]`) !== null;
  if (!(await runInPage(p, isOpen, panel))) await p.click('button', panel);
  await untilInPage(p, isOpen, panel, `the ${panel} panel is open`);
}

const CODE = /\d{4} \d{4} \d{4} \d{4}/;

/** The safety code `p` shows for `other`, once there is one (opens the Participants panel). */
export async function safetyCodeIn(p: Participant, other: string, timeoutMs = 20_000): Promise<string> {
  await openPanelOf(p, 'Participants');
  const read = (name: string) => {
    const item = document.querySelector(`aside[aria-label="Participants"] li[aria-label="${CSS.escape(name)}"]`);
    const m = /Safety code with .*?: (\d{4} \d{4} \d{4} \d{4})/.exec(item?.textContent ?? '');
    return m ? m[1]! : '';
  };
  await expect.poll(() => runInPage(p, read, other), { message: `${p.name} (${p.browser}): safety code with ${other}`, timeout: timeoutMs }).toMatch(CODE);
  return runInPage(p, read, other);
}

export async function sendChatAs(p: Participant, text: string): Promise<void> {
  await openPanelOf(p, 'Chat');
  await p.fill('Message', text);
  await p.click('button', 'Send');
}

/** The chat messages `p` shows, each as its text (sender name and message). */
export async function chatTextsIn(p: Participant): Promise<string[]> {
  return runInPage(
    p,
    () => [...document.querySelectorAll('aside[aria-label="Chat"] [aria-label="Messages"] li')].map((li) => li.textContent ?? ''),
    null,
  );
}

/** Waits until `p`'s chat shows a message containing `text` from `sender`. */
export async function expectChatFrom(p: Participant, sender: string, text: string): Promise<void> {
  await expect
    .poll(async () => (await chatTextsIn(p)).filter((t) => t.includes(text) && t.includes(sender)).length, {
      message: `${p.name} (${p.browser}) reads "${text}" from ${sender}`,
    })
    .toBe(1);
}
