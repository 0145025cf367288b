/**
 * One measured session of the `mesh` benchmark: N people in one full mesh,
 * in meriMeet and in the bare page (bare-mesh.js), alternately, each side in
 * a Chromium of its own so that the CPU of its process tree is that side's
 * alone. Once every page decodes the N−1 others and the call has settled,
 * a window of `seconds`: CPU of the browser tree, and frames presented by
 * each remote video (getVideoPlaybackQuality), read before and after.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startServer } from '../../../signaling/src/server.js';
import { captureConstraintsFor } from '../../../src/renderer/engine/capture-fit.js';
import { AUDIO_MAX_BITRATE, videoEncodingFor } from '../../../src/renderer/engine/bitrate-policy.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium.js';
import { createMeeting, type ServerAddress } from '../../e2e/support/meetings.js';
import { joinMeeting } from '../../e2e/support/ui.js';
import { startBaselineServer } from '../call/baseline-server.js';
import { treeCpuSeconds } from '../support/process-cpu.js';

const NAMES = ['Ada', 'Bob', 'Cyd', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal'];

const PAGES = {
  '/bare-mesh.html': { type: 'text/html; charset=utf-8', url: new URL('./bare-mesh.html', import.meta.url) },
  '/bare-mesh.js': { type: 'text/javascript; charset=utf-8', url: new URL('./bare-mesh.js', import.meta.url) },
};

/** Every remote video's presented frames and height; a string, so tsx's helpers never reach the page. */
const READ_VIDEOS = `[...document.querySelectorAll('video[data-peer-id]')].map((v) => ({ frames: v.getVideoPlaybackQuality().totalVideoFrames, height: v.videoHeight }))`;
/** Budget for N people to all see each other: measured 10–20 s for 4 on this machine; 60 s leaves room for a loaded one. */
const ALL_DECODING_WITHIN_MS = 60_000;
/** After everyone decodes: meriMeet's ramp-up (RAMP_UP_MS, 2 s) and the first stats pass, so the window is the call going on. */
const SETTLE_MS = 5_000;

export type Side = 'meriMeet' | 'bare';

export interface SideRun {
  side: Side;
  run: number;
  /** The browser tree's CPU over the window, per person, in % of one core. */
  cpuPerPersonPct: number;
  /** Frames per second presented by each remote video on each page (N × (N−1) streams). */
  streamFps: number[];
  /** Each remote video's height at the end of the window. */
  remoteHeights: number[];
}

export interface MeshSamples {
  people: number;
  seconds: number;
  capture: { width: number; height: number; fps: number };
  runs: SideRun[];
  failures: { side: Side; run: number; error: string }[];
}

export async function measureMesh(people: number, runs: number, seconds: number, webRoot: string, log: (l: string) => void): Promise<MeshSamples> {
  const dataDir = mkdtempSync(join(tmpdir(), 'merimeet-bench-mesh-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, webRoot, logLevel: 'warn' });
  const tls = { cert: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'), key: readFileSync(join(dataDir, 'tls', 'key.pem'), 'utf8') };
  const bare = await startBaselineServer(tls, PAGES);
  const address: ServerAddress = { url: server.url, ca: server.certificatePem ?? '' };
  const c = captureConstraintsFor(people);
  const capture = { width: ideal(c.width), height: ideal(c.height), fps: ideal(c.frameRate) };
  const samples: MeshSamples = { people, seconds, capture, runs: [], failures: [] };
  const policy = videoEncodingFor(people);
  const bareUrl = (run: number) =>
    `${bare.origin}/bare-mesh.html?room=run-${run}&width=${capture.width}&height=${capture.height}&fps=${capture.fps}` +
    `&videoBitrate=${policy.maxBitrate}&audioBitrate=${AUDIO_MAX_BITRATE}`;
  try {
    for (let run = 0; run < runs; run++) {
      // Alternate which side goes first, so neither always runs on a freshly idle machine.
      const order: Side[] = run % 2 === 0 ? ['meriMeet', 'bare'] : ['bare', 'meriMeet'];
      for (const side of order) {
        try {
          const result = await measureSide(side, people, seconds, (pages) =>
            side === 'meriMeet' ? joinMeriMeet(pages, address, `https://${new URL(server.url).host}/`) : joinBare(pages, bareUrl(run)),
          );
          samples.runs.push({ ...result, side, run });
          log(`run ${run + 1}/${runs} ${side}: ${result.cpuPerPersonPct.toFixed(1)} % CPU per person, median ${median(result.streamFps).toFixed(1)} fps per stream`);
        } catch (err) {
          // A mesh that never comes together is a finding, not a reason to lose the other runs.
          samples.failures.push({ side, run, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
          log(`run ${run + 1}/${runs} ${side}: FAILED`);
        }
      }
    }
  } finally {
    await bare.close();
    await server.shutdown({ drainMs: 200 });
    rmSync(dataDir, { recursive: true, force: true });
  }
  return samples;
}

function ideal(c: ConstrainULong | ConstrainDouble | undefined): number {
  return typeof c === 'object' && typeof c.ideal === 'number' ? c.ideal : 0;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function measureSide(side: Side, people: number, seconds: number, join: (pages: Page[]) => Promise<void>): Promise<Omit<SideRun, 'side' | 'run'>> {
  // A browser server, not launch(): its process id is what the CPU of the whole tree is read from.
  const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const pid = server.process().pid;
  if (pid === undefined) throw new Error('no browser process to measure');
  const browser: Browser = await chromium.connect(server.wsEndpoint());
  try {
    const pages: Page[] = [];
    for (let i = 0; i < people; i++) {
      const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
      pages.push(await context.newPage());
    }
    await join(pages);
    await Promise.all(pages.map((page) => allDecoding(page, people - 1, side)));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const read = () => Promise.all(pages.map((p) => p.evaluate(READ_VIDEOS) as Promise<{ frames: number; height: number }[]>));
    const cpuBefore = treeCpuSeconds(pid);
    const before = await read();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const after = await read();
    const cpuSeconds = treeCpuSeconds(pid) - cpuBefore;
    const streamFps = after.flatMap((videos, i) => videos.map((v, j) => (v.frames - (before[i]![j]?.frames ?? v.frames)) / seconds));
    return { cpuPerPersonPct: (cpuSeconds / seconds / people) * 100, streamFps, remoteHeights: after.flatMap((videos) => videos.map((v) => v.height)) };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function allDecoding(page: Page, others: number, side: Side): Promise<void> {
  const deadline = Date.now() + ALL_DECODING_WITHIN_MS;
  let videos: { height: number }[] = [];
  while (Date.now() < deadline) {
    videos = (await page.evaluate(READ_VIDEOS)) as { height: number }[];
    if (videos.filter((v) => v.height > 0).length >= others) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const seen = videos.map((v) => v.height).join(', ') || 'none';
  throw new Error(`${side}: ${others} remote videos did not all decode within ${ALL_DECODING_WITHIN_MS / 1000} s (remote video heights: ${seen})`);
}

async function joinMeriMeet(pages: Page[], address: ServerAddress, origin: string): Promise<void> {
  const meeting = await createMeeting(address);
  for (const page of pages) await page.goto(origin);
  // One after another, as people arrive: a mesh of N is built by N−1 arrivals.
  for (const [i, page] of pages.entries()) await joinMeeting(page, meeting, NAMES[i % NAMES.length]!);
}

async function joinBare(pages: Page[], url: string): Promise<void> {
  for (const page of pages) {
    await page.goto(url);
    await page.locator('body[data-state="ready"]').waitFor();
  }
}
