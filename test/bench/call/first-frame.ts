/**
 * Times join-to-first-remote-frame inside the page, so both calls are timed
 * the same way by the same clock (stopwatch.page.js says exactly what is
 * measured). The stopwatch goes in as source text: functions handed to
 * page.evaluate from tsx-compiled code carry esbuild's `__name` helper, which
 * the page does not have.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

/** A call that shows nothing for this long counts as failed. */
export const TIMEOUT_MS = 30_000;

const STOPWATCH = readFileSync(new URL('./stopwatch.page.js', import.meta.url), 'utf8');

/** The page's join trace (src/renderer/engine/join-trace.ts): each step's time after the click, in ms. */
export async function joinTrace(page: Page): Promise<Record<string, number>> {
  // A string, not a function: see above about esbuild's helpers.
  return (await page.evaluate(`(() => {
    const at = window.__benchClickedAt;
    const steps = {};
    if (typeof at !== 'number') return steps;
    for (const m of performance.getEntriesByType('mark')) {
      if (m.name.startsWith('merimeet.join.')) steps[m.name.slice('merimeet.join.'.length)] = m.startTime - at;
    }
    return steps;
  })()`)) as Record<string, number>;
}

/** Arms the stopwatch, runs `click`, and resolves with the milliseconds from the click to the first remote frame. */
export async function timeToFirstRemoteFrame(page: Page, buttonText: string, click: () => Promise<void>): Promise<number> {
  await page.evaluate(STOPWATCH.replace(/\bBUTTON_TEXT\b(?=\);\s*$)/, JSON.stringify(buttonText)));
  await click();
  // Polled with evaluate, not waitForFunction: a string predicate is an eval, which the page's CSP forbids.
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const ms = (await page.evaluate('window.__benchFirstFrameMs')) as number | undefined;
    if (typeof ms === 'number') return ms;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no remote video frame within ${TIMEOUT_MS / 1000} s of the click on "${buttonText}"`);
}
