/**
 * Noise suppression (issue 16): RNNoise runs in an AudioWorklet on the
 * microphone before it is sent. With it on (the default) the call still
 * carries the voice; the worklet and its wasm come from our own server and
 * nothing else; the toggle works in the call; and when the wasm cannot be
 * loaded the person is told and the raw microphone is sent.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { expectAudioAudible, expectVideoFlowing } from './support/media.js';
import { createMeeting } from './support/meetings.js';
import { continueToPreJoin, expectPhase, getReadyToJoin, peerIdOf } from './support/ui.js';

const SUPPRESSION_FAILED = 'Noise suppression could not start on this device, so the others hear your microphone without it.';

/** The label of the audio track the page's first peer connection sends. */
async function sentAudioLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const pc = (window.__e2ePeerConnections ?? []).find((p) => p.connectionState === 'connected');
    const track = pc?.getSenders().find((s) => s.track?.kind === 'audio')?.track;
    if (!track) throw new Error('no audio sender');
    return track.label;
  });
}

/** The raw microphone's label, as the browser names it. */
async function rawMicrophoneLabel(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const s = await navigator.mediaDevices.getUserMedia({ audio: true });
    const label = s.getAudioTracks()[0]?.label ?? '';
    for (const t of s.getTracks()) t.stop();
    return label;
  });
}

test('with noise suppression on, the call carries the voice, and the worklet comes from our own server', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  const requested: string[] = [];
  ada.page.on('request', (r) => requested.push(r.url()));

  await continueToPreJoin(ada.page, meeting);
  await expect(ada.page.getByRole('checkbox', { name: 'Suppress background noise' })).toBeChecked();
  await (await getReadyToJoin(ada.page, 'Ada')).click();
  await expectPhase(ada.page, 'Ada', 'in-call');
  await continueToPreJoin(bob.page, meeting);
  await (await getReadyToJoin(bob.page, 'Bob')).click();
  await expectPhase(bob.page, 'Bob', 'in-call');

  const adaId = await peerIdOf(bob.page, 'Ada');
  // The stream has arrived once its video plays; the audio is measured on it.
  await expectVideoFlowing(bob.page, adaId);
  await expectAudioAudible(bob.page, adaId);

  // What Ada sends is the audio graph's track, not the raw microphone.
  const raw = await rawMicrophoneLabel(ada.page);
  expect(await sentAudioLabel(ada.page)).not.toBe(raw);
  // (The worklet's own script is fetched by the audio worklet, which Playwright does not report as a page request.)
  expect(requested.some((u) => /rnnoise(_simd)?-[\w-]+\.wasm$/.test(u))).toBe(true);
  expect(requested.filter((u) => !u.startsWith(server.origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);

  // Off in the call: the graph is rewired in place; the voice still arrives.
  const toggle = ada.page.getByRole('button', { name: 'Noise suppression' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expectAudioAudible(bob.page, adaId);
  // The choice is kept for the next meeting.
  const kept = await ada.page.evaluate(() => JSON.parse(localStorage.getItem('merimeet.preferences') ?? '{}').noiseSuppression);
  expect(kept).toBe(false);
});

test('when the suppressor cannot load, the person is told and the raw microphone is sent', async ({ people, server }) => {
  const meeting = await createMeeting(server);
  const ada = await people.open('Ada');
  const bob = await people.open('Bob');
  await bob.page.route(/\.wasm$/, (route) => route.abort());

  await continueToPreJoin(ada.page, meeting);
  await (await getReadyToJoin(ada.page, 'Ada')).click();
  await expectPhase(ada.page, 'Ada', 'in-call');
  await continueToPreJoin(bob.page, meeting);
  await expect(bob.page.getByRole('alert').filter({ hasText: SUPPRESSION_FAILED })).toBeVisible();
  await (await getReadyToJoin(bob.page, 'Bob')).click();
  await expectPhase(bob.page, 'Bob', 'in-call');

  const bobId = await peerIdOf(ada.page, 'Bob');
  await expectVideoFlowing(ada.page, bobId);
  await expectAudioAudible(ada.page, bobId);
  await expect(bob.page.getByRole('button', { name: 'Noise suppression' })).toHaveAttribute('aria-pressed', 'false');
});
