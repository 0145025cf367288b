/**
 * Renders per second of the meeting screen in a 4-person call (part of the
 * `call` benchmark). Each page defines `globalThis.__merimeetRenderCount`
 * before the app loads (an init script), which turns on the render counter
 * of src/renderer/ui/render-count.ts: every counted component adds one per
 * render, and every state the engine publishes is counted as
 * `publications`. Once all four see the three others' video, the counts are
 * read, the call runs untouched for `seconds`, and they are read again.
 *
 * "Before" comes from the same window: the screen before selectors had one
 * subscriber (the whole meeting screen) that rendered once per publication,
 * with every tile under it, so its renders per second were the publications
 * per second, and its tile renders that times the four tiles.
 */
import type { Browser, Page } from '@playwright/test';
import { createMeeting, type ServerAddress } from '../../e2e/support/meetings.js';
import { joinMeeting } from '../../e2e/support/ui.js';

export const PEOPLE = ['Ada', 'Bob', 'Cyd', 'Dee'];

/** Per second, averaged over the four pages. */
export interface RenderRates {
  seconds: number;
  people: number;
  /** States the engine published (the old design rendered the whole meeting screen once for each). */
  publicationsPerSec: number;
  /** Renders of the meeting screen's root (InMeeting). */
  meetingScreenPerSec: number;
  /** Renders of all the video tiles together. */
  tilesPerSec: number;
  /** Renders of every counted component of the meeting screen together. */
  allComponentsPerSec: number;
  /** Each counted component's renders per second. */
  byComponent: Record<string, number>;
}

type Counts = Record<string, number>;

const ENABLE = 'globalThis.__merimeetRenderCount = {};';
const READ = '({ ...globalThis.__merimeetRenderCount })';
/** How many remote videos show decoded frames; a string, so tsx's helpers never reach the page. */
const DECODING = `[...document.querySelectorAll('video[data-peer-id]')].filter((v) => v.videoWidth > 0).length`;

async function waitFor(page: Page, expression: string, want: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (((await page.evaluate(expression)) as number) >= want) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${want} remote videos did not all decode within ${timeoutMs / 1000} s`);
}

export async function measureRenders(browser: Browser, address: ServerAddress, origin: string, seconds: number, log: (l: string) => void): Promise<RenderRates> {
  const meeting = await createMeeting(address);
  const pages: Page[] = [];
  try {
    for (const _ of PEOPLE) {
      const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
      await context.addInitScript({ content: ENABLE });
      const page = await context.newPage();
      await page.goto(origin + '/');
      pages.push(page);
    }
    await Promise.all(pages.map((page, i) => joinMeeting(page, meeting, PEOPLE[i]!)));
    await Promise.all(pages.map((page) => waitFor(page, DECODING, PEOPLE.length - 1, 60_000)));
    // Let the first stats and speaker changes of a fresh call pass: the window is the call going on.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    log(`renders: four people in the call; counting for ${seconds} s`);
    const before = (await Promise.all(pages.map((p) => p.evaluate(READ)))) as Counts[];
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const after = (await Promise.all(pages.map((p) => p.evaluate(READ)))) as Counts[];
    return rates(before, after, seconds);
  } finally {
    for (const page of pages) await page.context().close();
  }
}

function rates(before: Counts[], after: Counts[], seconds: number): RenderRates {
  const names = [...new Set(after.flatMap((c) => Object.keys(c)))].sort();
  const perSec = (name: string) => after.reduce((sum, c, i) => sum + (c[name] ?? 0) - (before[i]![name] ?? 0), 0) / after.length / seconds;
  const byComponent = Object.fromEntries(names.filter((n) => n !== 'publications').map((n) => [n, round(perSec(n))]));
  return {
    seconds,
    people: after.length,
    publicationsPerSec: round(perSec('publications')),
    meetingScreenPerSec: round(perSec('InMeeting')),
    tilesPerSec: round(perSec('VideoTile')),
    allComponentsPerSec: round(Object.values(byComponent).reduce((a, b) => a + b, 0)),
    byComponent,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
