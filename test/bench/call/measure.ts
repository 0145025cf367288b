/**
 * One measured session of the `call` benchmark: the real meriMeet server
 * (in-process, serving dist/web) and the baseline (baseline-server.ts, same
 * certificate), one Chromium, and alternating runs of each two-person call,
 * so drift in the machine's load touches both sides alike.
 *
 * meriMeet run: Ada is in the meeting; Bob is at pre-join with his keys ready;
 * the stopwatch starts at Bob's click on "Join meeting". Baseline run: Ada has
 * pressed Start; Bob's camera is open; the stopwatch starts at Bob's "Start".
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startServer } from '../../../signaling/src/server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium.js';
import { createMeeting, type ServerAddress } from '../../e2e/support/meetings.js';
import { continueToPreJoin, getReadyToJoin, joinMeeting } from '../../e2e/support/ui.js';
import { startBaselineServer } from './baseline-server.js';
import { joinTrace, timeToFirstRemoteFrame } from './first-frame.js';
import { measureRenders, type RenderRates } from './renders.js';

export interface CallSamples {
  /** Milliseconds, one per measured run, in run order. */
  meriMeet: number[];
  baseline: number[];
  warmup: number;
  /** For each measured meriMeet run: when each join step happened after the click (ms; join-trace.ts). */
  traces: Record<string, number>[];
  /** The same for the baseline page (the steps it has). */
  baselineTraces: Record<string, number>[];
  /** Calls that showed no remote frame in time, with why; not in the medians. */
  failures: { side: 'meriMeet' | 'baseline'; run: number; error: string }[];
  /** Meeting-screen renders per second in a 4-person call (renders.ts); null when not measured (--renders-seconds 0) or failed. */
  renders: RenderRates | null;
  rendersError?: string;
}

export async function measureCalls(runs: number, warmup: number, webRoot: string, log: (l: string) => void, renderSeconds = 0): Promise<CallSamples> {
  const dataDir = mkdtempSync(join(tmpdir(), 'merimeet-bench-call-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, webRoot, logLevel: 'warn' });
  const tls = { cert: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'), key: readFileSync(join(dataDir, 'tls', 'key.pem'), 'utf8') };
  const baseline = await startBaselineServer(tls);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const address: ServerAddress = { url: server.url, ca: server.certificatePem ?? '' };
  const origin = `https://${new URL(server.url).host}`;
  const samples: CallSamples = { meriMeet: [], baseline: [], traces: [], baselineTraces: [], warmup, failures: [], renders: null };
  try {
    for (let i = 0; i < warmup + runs; i++) {
      // Alternate which side goes first, so neither always runs on a freshly idle machine.
      const order = i % 2 === 0 ? (['meriMeet', 'baseline'] as const) : (['baseline', 'meriMeet'] as const);
      const row: Partial<Record<'meriMeet' | 'baseline', number>> = {};
      let trace: Record<string, number> | null = null;
      let baselineTrace: Record<string, number> | null = null;
      for (const side of order) {
        try {
          if (side === 'meriMeet') {
            const run = await meriMeetRun(browser, address, origin);
            row.meriMeet = run.ms;
            trace = run.trace;
          } else {
            const run = await baselineRun(browser, baseline.origin, i);
            row.baseline = run.ms;
            baselineTrace = run.trace;
          }
        } catch (err) {
          // A call that never shows video is a finding, not a reason to lose the other runs.
          samples.failures.push({ side, run: i, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
        }
      }
      const label = i < warmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`;
      const show = (ms: number | undefined) => (ms === undefined ? 'FAILED' : `${ms.toFixed(0)} ms`);
      log(`${label}: meriMeet ${show(row.meriMeet)}, baseline ${show(row.baseline)}`);
      if (i >= warmup) {
        if (row.meriMeet !== undefined) samples.meriMeet.push(row.meriMeet);
        if (row.meriMeet !== undefined && trace) samples.traces.push(trace);
        if (row.baseline !== undefined && baselineTrace) samples.baselineTraces.push(baselineTrace);
        if (row.baseline !== undefined) samples.baseline.push(row.baseline);
      }
    }
    if (renderSeconds > 0) {
      try {
        samples.renders = await measureRenders(browser, address, origin, renderSeconds, log);
      } catch (err) {
        samples.rendersError = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      }
    }
  } finally {
    await browser.close();
    await baseline.close();
    await server.shutdown({ drainMs: 200 });
    rmSync(dataDir, { recursive: true, force: true });
  }
  return samples;
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function meriMeetRun(browser: Browser, address: ServerAddress, origin: string): Promise<{ ms: number; trace: Record<string, number> }> {
  const meeting = await createMeeting(address);
  const ada = await openPage(browser, origin + '/');
  const bob = await openPage(browser, origin + '/');
  try {
    await joinMeeting(ada, meeting, 'Ada');
    await continueToPreJoin(bob, meeting);
    const join = await getReadyToJoin(bob, 'Bob');
    const ms = await timeToFirstRemoteFrame(bob, 'Join meeting', () => join.click());
    return { ms, trace: await joinTrace(bob) };
  } finally {
    await ada.context().close();
    await bob.context().close();
  }
}

async function baselineRun(browser: Browser, origin: string, run: number): Promise<{ ms: number; trace: Record<string, number> }> {
  const url = `${origin}/baseline.html?room=run-${run}`;
  const ada = await openPage(browser, url);
  const bob = await openPage(browser, url);
  try {
    await ada.locator('body[data-state="ready"]').waitFor();
    await ada.getByRole('button', { name: 'Start' }).click();
    await ada.locator('body[data-state="in"]').waitFor();
    await bob.locator('body[data-state="ready"]').waitFor();
    const ms = await timeToFirstRemoteFrame(bob, 'Start', () => bob.getByRole('button', { name: 'Start' }).click());
    return { ms, trace: await joinTrace(bob) };
  } finally {
    await ada.context().close();
    await bob.context().close();
  }
}
