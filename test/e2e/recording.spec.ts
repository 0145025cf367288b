/**
 * Local recording, with everyone's consent (issue 16), in one meeting (one
 * set-up: the e2e suite is near its time budget). The host records: every
 * page says so within 2 s and stops saying so within 2 s of the stop; the
 * saved WebM decodes in Chromium and lasts as long as the recording did.
 * Then the server in the middle turns hostile: it drops the recording
 * notices to one person and later plays an old one back; that person still
 * sees the recording (from the peer-to-peer copy), and is told both times.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { seriousViolations } from './support/axe.js';
import { hostileTest as test, expect } from './support/fixtures.js';
import type { MaliciousServer } from './support/malicious-server.js';
import { createMeeting } from './support/meetings.js';
import type { Person } from './support/people.js';
import { controls, joinMeeting, logIn, openPanel } from './support/ui.js';

/** The issue's budget for the indicator to appear and to clear. */
const INDICATOR_MS = 2_000;

const indicator = (page: Page) => page.getByRole('status').filter({ hasText: /^Recording: / });
const recordButton = (page: Page) => controls(page).getByRole('button', { name: 'Record', exact: true });
const stopButton = (page: Page) => controls(page).getByRole('button', { name: 'Stop recording', exact: true });

/**
 * What Chromium makes of the file: the duration it states (the recorder
 * writes it), and, seeking to a few points of it, the media time of the frame
 * it decodes there — what the file really holds. Seeking, not playing: a
 * loaded machine drops frames in playback, never in a seek.
 */
async function decode(page: Page, bytes: Buffer): Promise<{ duration: number; width: number; framesAt: { target: number; frame: number }[] }> {
  return page.evaluate(async (b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const video = document.createElement('video');
    video.muted = true;
    video.src = URL.createObjectURL(new Blob([data], { type: 'video/webm' }));
    document.body.append(video);
    await new Promise((resolve, reject) => {
      video.onloadeddata = resolve;
      video.onerror = () => reject(new Error(`the file does not decode: ${video.error?.message ?? '?'}`));
    });
    const framesAt: { target: number; frame: number }[] = [];
    for (const target of [0.1, 0.5, 0.95].map((f) => f * video.duration)) {
      const shown = new Promise<number>((resolve) => video.requestVideoFrameCallback((_now, meta) => resolve(meta.mediaTime)));
      video.currentTime = target;
      framesAt.push({ target, frame: await shown });
    }
    return { duration: video.duration, width: video.videoWidth, framesAt };
  }, bytes.toString('base64'));
}

/** Hana (the host) records for at least three seconds with the server honest; returns the file and the bounds of how long it ran. */
async function honestRecording(hana: Person, gus: Person): Promise<{ bytes: Buffer; shortest: number; longest: number }> {
  const starting = Date.now();
  await recordButton(hana.page).click();
  const started = Date.now();
  await expect(indicator(gus.page)).toHaveText('Recording: Hana is recording this meeting.', { timeout: INDICATOR_MS });
  await expect(indicator(hana.page)).toHaveText('Recording: You are recording this meeting.', { timeout: INDICATOR_MS });
  await expect((await openPanel(gus.page, 'Participants')).getByRole('listitem', { name: 'Hana' })).toContainText('recording');
  // The indicator and the panel's "recording" line: axe clean (on Gus's page: axe on the recording
  // page itself took about 30 s at a load average of 13, while it draws and encodes).
  expect(await seriousViolations(gus.page)).toEqual([]);

  await gus.page.waitForTimeout(Math.max(0, 3_000 - (Date.now() - started))); // at least three seconds of meeting
  const download = hana.page.waitForEvent('download');
  const stopping = Date.now();
  await stopButton(hana.page).click();
  const stopped = Date.now();
  await expect(indicator(gus.page)).toHaveCount(0, { timeout: INDICATOR_MS });
  await expect(indicator(hana.page)).toHaveCount(0, { timeout: INDICATOR_MS });
  // An honest server passes every notice on in time: nobody is warned.
  await expect(gus.page.getByRole('alert')).toHaveCount(0);
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^meriMeet recording .*\.webm$/);
  return { bytes: await readFile((await file.path())!), shortest: stopping - started, longest: stopped - starting };
}

/** The server drops Hana's notices to Gus, then plays him an old one: caught both times, and the indicator tells the truth. */
async function hostileServer(evil: MaliciousServer, hana: Person, gus: Person): Promise<void> {
  const withheld: Record<string, unknown>[] = [];
  evil.tamper = (m, to) => {
    if (m.type !== 'signal' || (m.data as { kind?: unknown }).kind !== 'recording' || to.name !== 'Gus') return m;
    withheld.push(m);
    return null;
  };
  await recordButton(hana.page).click();
  await expect(indicator(gus.page)).toHaveText('Recording: Hana is recording this meeting.', { timeout: INDICATOR_MS });
  // Caught once the relayed copy is 3 s overdue (WITHHELD_GRACE_MS), checked every 0.5 s.
  await expect(gus.page.getByRole('alert').filter({ hasText: 'did not pass on Hana’s recording notice' })).toBeVisible({ timeout: 5_000 });
  await stopButton(hana.page).click();
  await expect(indicator(gus.page)).toHaveCount(0, { timeout: INDICATOR_MS });

  // The server plays Gus Hana's authentic, old "I am recording". Both notices reached the proxy: the stop's
  // relayed copy may come after Gus's indicator cleared through the direct copy (CI check of 2026-12-02: 1 withheld then).
  await expect.poll(() => withheld.length, { message: 'the proxy withheld both of Hana’s notices to Gus' }).toBeGreaterThanOrEqual(2);
  evil.tamper = null;
  evil.victim('Gus').deliver(withheld[0]!);
  await expect(gus.page.getByRole('alert').filter({ hasText: 'refused a recording notice in Hana’s name' })).toBeVisible({ timeout: INDICATOR_MS });
  await expect(indicator(gus.page)).toHaveCount(0);
}

test('only whom the host allows records; everyone sees it within 2 s; the file plays as long as it recorded; a lying server is caught', async ({ server, evil, people }) => {
  const meeting = await createMeeting(server);
  const hana = await people.open('Hana');
  await logIn(hana.page, meeting.owner);
  await joinMeeting(hana.page, meeting, 'Hana');
  const gus = await people.open('Gus');
  await joinMeeting(gus.page, meeting, 'Gus');

  // Only the host may record until she lets everyone.
  await expect(recordButton(gus.page)).toHaveCount(0);
  const panel = await openPanel(hana.page, 'Participants');
  await panel.getByRole('button', { name: 'Let everyone record' }).click();
  await expect(recordButton(gus.page)).toBeVisible({ timeout: INDICATOR_MS });
  await panel.getByRole('button', { name: 'Let everyone record' }).click();
  await expect(recordButton(gus.page)).toHaveCount(0, { timeout: INDICATOR_MS });

  const { bytes, shortest, longest } = await test.step('an honest server', () => honestRecording(hana, gus));
  await test.step('a server that withholds and replays notices', () => hostileServer(evil, hana, gus));

  const played = await decode(await gus.context.newPage(), bytes);
  console.log(
    `recording: between ${shortest} and ${longest} ms recorded; file says ${Math.round(played.duration * 1000)} ms, ` +
      `frames decoded at ${played.framesAt.map((f) => `${f.frame.toFixed(2)} s (sought ${f.target.toFixed(2)})`).join(', ')}; ${bytes.length} bytes`,
  );
  expect(played.width).toBe(1280);
  // The recording ran from within the first click to within the second (a frame of slack each way).
  expect(played.duration * 1000).toBeGreaterThanOrEqual(shortest - 100);
  expect(played.duration * 1000).toBeLessThanOrEqual(longest + 100);
  // Frames all along, to near the end the header states. Measured at a load average of 18 on 2 cores
  // (2026-12-02) the recorder's page kept only one frame every 1.3–3.2 s, so "near" is a quarter of it.
  const [early, middle, late] = played.framesAt.map((f) => f.frame);
  expect(early).toBeLessThan(middle!);
  expect(middle).toBeLessThan(late!);
  expect(late).toBeGreaterThan(0.75 * played.duration);
});
