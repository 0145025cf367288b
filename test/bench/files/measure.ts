/**
 * One measured session of the `files` benchmark, inside a loopback-only
 * network namespace. Two Chromiums, one per person, each with a profile on
 * disk (a private profile would keep the browser's file system in memory),
 * so each side's memory is its own process tree (process-memory.ts).
 *
 * meriMeet run: Ada and Bob are in a meeting (muted, cameras off, so the
 * transfer does not compete with video); Ada picks a file of N MiB from disk
 * with "Send a file"; the clock starts at Bob's click on Accept and stops
 * when his page says the file is received and verified. Raw run
 * (raw-channel.js): the same two browsers send the same number of bytes over
 * one bare data channel. Runs alternate, so drift in the machine's load
 * touches both sides alike.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { startServer } from '../../../signaling/src/server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium.js';
import { createMeeting, type ServerAddress } from '../../e2e/support/meetings.js';
import { continueToPreJoin, expectPhase, getReadyToJoin, openPanel, tile } from '../../e2e/support/ui.js';
import { startBaselineServer } from '../call/baseline-server.js';
import { browserPid, sampleMemory, treeMemory } from './process-memory.js';

export interface Run {
  ms: number;
  /** Bytes of memory (PSS) each browser grew by during the transfer, at its peak. */
  senderGrowth: number;
  receiverGrowth: number;
  /** Growth 3 s after the end (the received file still listed, not yet removed): what stays. */
  senderAfter: number;
  receiverAfter: number;
}

export interface FileSamples {
  bytes: number;
  meriMeet: Run[];
  /** meriMeet transfers of a quarter-size file: memory that grows with the file would show as a difference. */
  quarter: { bytes: number; runs: Run[] };
  raw: Run[];
  failures: { side: 'meriMeet' | 'raw'; run: number; error: string }[];
}

const FILE_NAME = 'bench.bin';
const RUN_TIMEOUT_MS = 10 * 60_000;
/** How long after a transfer "what stays" is measured. */
const AFTER_MS = 3_000;

const PAGES = {
  '/raw-channel.html': { type: 'text/html; charset=utf-8', url: new URL('./raw-channel.html', import.meta.url) },
  '/raw-channel.js': { type: 'text/javascript; charset=utf-8', url: new URL('./raw-channel.js', import.meta.url) },
};

/** `profileDir`: write V8 CPU profiles of both pages during the first meriMeet run there (`--cpu-prof DIR`). */
export async function measureFiles(mib: number, runs: number, webRoot: string, log: (l: string) => void, profileDir?: string): Promise<FileSamples> {
  const work = mkdtempSync(join(tmpdir(), 'merimeet-bench-files-'));
  const bytes = Math.round(mib * 1024 * 1024);
  const file = join(work, FILE_NAME);
  writeRandomFile(file, bytes);
  const dataDir = join(work, 'server');
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, webRoot, logLevel: 'warn' });
  const tls = { cert: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'), key: readFileSync(join(dataDir, 'tls', 'key.pem'), 'utf8') };
  const raw = await startBaselineServer(tls, PAGES);
  const address: ServerAddress = { url: server.url, ca: server.certificatePem ?? '' };
  const origin = `https://${new URL(server.url).host}`;
  const samples: FileSamples = { bytes, meriMeet: [], quarter: { bytes: Math.round(bytes / 4), runs: [] }, raw: [], failures: [] };
  const browsers: BrowserContext[] = [];
  try {
    const open = async (name: string) => {
      const dir = join(work, `profile-${name}`);
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        ignoreHTTPSErrors: true,
        permissions: ['camera', 'microphone'],
      });
      browsers.push(context);
      return { context, pid: browserPid(dir) };
    };
    const ada = await open('ada');
    const bob = await open('bob');
    const pids = { sender: ada.pid, receiver: bob.pid };
    const call = await meetingOf(ada.context, bob.context, address, origin);

    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? (['meriMeet', 'raw'] as const) : (['raw', 'meriMeet'] as const);
      const row: Partial<Record<'meriMeet' | 'raw', Run>> = {};
      for (const side of order) {
        try {
          row[side] = side === 'meriMeet' ? await meriMeetRun(call, file, pids, i === 0 ? profileDir : undefined) : await rawRun(ada.context, bob.context, raw.origin, bytes, i, pids);
        } catch (err) {
          samples.failures.push({ side, run: i, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
        }
      }
        const show = (r: Run | undefined) => (r === undefined ? 'FAILED' : `${(bytes / 1024 / 1024 / (r.ms / 1000)).toFixed(1)} MiB/s, memory +${inMiB(r.senderGrowth)}/+${inMiB(r.receiverGrowth)}, after ${inMiB(r.senderAfter)}/${inMiB(r.receiverAfter)}`);
      log(`run ${i + 1}/${runs}: meriMeet ${show(row.meriMeet)}, raw data channel ${show(row.raw)}`);
      if (row.meriMeet) samples.meriMeet.push(row.meriMeet);
      if (row.raw) samples.raw.push(row.raw);
    }
    const quarterFile = join(work, 'quarter', FILE_NAME);
    mkdirSync(join(work, 'quarter'));
    writeRandomFile(quarterFile, samples.quarter.bytes);
    for (let i = 0; i < runs; i++) {
      try {
        const run = await meriMeetRun(call, quarterFile, pids);
        samples.quarter.runs.push(run);
        log(`quarter-size file ${i + 1}/${runs} (${inMiB(samples.quarter.bytes)}): memory +${inMiB(run.senderGrowth)}/+${inMiB(run.receiverGrowth)}, after ${inMiB(run.senderAfter)}/${inMiB(run.receiverAfter)}`);
      } catch (err) {
        samples.failures.push({ side: 'meriMeet', run: runs + i, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
      }
    }
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
    await raw.close();
    await server.shutdown({ drainMs: 200 });
    rmSync(work, { recursive: true, force: true });
  }
  return samples;
}

const inMiB = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

function writeRandomFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(1024 * 1024);
  try {
    for (let left = bytes; left > 0; left -= block.length) writeSync(fd, randomFillSync(block), 0, Math.min(left, block.length));
  } finally {
    closeSync(fd);
  }
}

interface Call {
  sender: Page;
  receiver: Page;
}

/** Ada and Bob in one meeting, muted with cameras off, connected to each other. */
async function meetingOf(senderContext: BrowserContext, receiverContext: BrowserContext, address: ServerAddress, origin: string): Promise<Call> {
  const meeting = await createMeeting(address);
  const join = async (context: BrowserContext, name: string) => {
    const page = await context.newPage();
    await page.goto(origin + '/');
    await continueToPreJoin(page, meeting);
    await page.getByRole('checkbox', { name: 'Join muted' }).check();
    await page.getByRole('checkbox', { name: 'Join with camera off' }).check();
    await (await getReadyToJoin(page, name)).click();
    await expectPhase(page, name, 'in-call');
    return page;
  };
  const sender = await join(senderContext, 'Ada');
  const receiver = await join(receiverContext, 'Bob');
  await expect(tile(sender, 'Bob')).toContainText('Connection:', { timeout: 30_000 });
  await expect(tile(receiver, 'Ada')).toContainText('Connection:', { timeout: 30_000 });
  await openPanel(sender, 'Chat');
  await openPanel(receiver, 'Chat');
  return { sender, receiver };
}

// Page scripts go in as source text: functions from tsx-compiled code carry esbuild's helpers.
const ACCEPT_AND_TIME = `(() => {
  const started = performance.now();
  window.__filesResult = undefined;
  const check = () => {
    const text = document.body.textContent;
    if (text.includes('Received from Ada and verified')) window.__filesResult = performance.now() - started;
    else if (text.includes('Nothing was kept')) window.__filesResult = -1;
    if (window.__filesResult !== undefined) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  document.querySelector('button[aria-label="Accept ${FILE_NAME} from Ada"]').click();
})()`;

async function meriMeetRun(call: Call, file: string, pids: { sender: number; receiver: number }, profileDir?: string): Promise<Run> {
  const chooser = call.sender.waitForEvent('filechooser');
  await call.sender.getByRole('button', { name: 'Send a file' }).click();
  await (await chooser).setFiles(file);
  await expect(call.receiver.getByRole('button', { name: `Accept ${FILE_NAME} from Ada`, exact: true })).toBeVisible();
  const idle = { sender: treeMemory(pids.sender), receiver: treeMemory(pids.receiver) };
  const profiles = profileDir ? await Promise.all([startProfile(call.sender), startProfile(call.receiver)]) : null;
  const memory = sampleMemory(pids);
  const ms = await call.receiver
    .evaluate(ACCEPT_AND_TIME)
    .then(() => poll(call.receiver, 'window.__filesResult'))
    .finally(() => memory.stop());
  const peak = memory.stop();
  if (profiles && profileDir) {
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(join(profileDir, 'files-sender.cpuprofile'), JSON.stringify(await profiles[0]!()));
    writeFileSync(join(profileDir, 'files-receiver.cpuprofile'), JSON.stringify(await profiles[1]!()));
  }
  if (ms < 0) throw new Error('the transfer failed: ' + (await call.receiver.getByRole('list', { name: 'File transfers' }).textContent()));
  await new Promise((resolve) => setTimeout(resolve, AFTER_MS));
  const after = { sender: treeMemory(pids.sender) - idle.sender, receiver: treeMemory(pids.receiver) - idle.receiver };
  // Clear both lists (and the received copy from the browser's storage) for the next run.
  await call.receiver.getByRole('button', { name: `Remove ${FILE_NAME} from Ada from the list`, exact: true }).click();
  await call.sender.getByRole('button', { name: `Remove ${FILE_NAME} to Bob from the list`, exact: true }).click();
  return { ms, senderGrowth: peak.sender! - idle.sender, receiverGrowth: peak.receiver! - idle.receiver, senderAfter: after.sender, receiverAfter: after.receiver };
}

async function rawRun(sender: BrowserContext, receiver: BrowserContext, origin: string, bytes: number, run: number, pids: { sender: number; receiver: number }): Promise<Run> {
  const url = (role: string) => `${origin}/raw-channel.html?room=raw-${run}&role=${role}&bytes=${bytes}`;
  const receive = await receiver.newPage();
  const send = await sender.newPage();
  try {
    await receive.goto(url('receive'));
    await send.goto(url('send'));
    const idle = { sender: treeMemory(pids.sender), receiver: treeMemory(pids.receiver) };
    const memory = sampleMemory(pids);
    const ms = await receive
      .getByRole('button', { name: 'Start' })
      .click()
      .then(() => send.getByRole('button', { name: 'Start' }).click())
      .then(() => poll(receive, 'window.__rawResult && window.__rawResult.ms'))
      .finally(() => memory.stop());
    const peak = memory.stop();
    await new Promise((resolve) => setTimeout(resolve, AFTER_MS));
    const after = { sender: treeMemory(pids.sender) - idle.sender, receiver: treeMemory(pids.receiver) - idle.receiver };
    return { ms, senderGrowth: peak.sender! - idle.sender, receiverGrowth: peak.receiver! - idle.receiver, senderAfter: after.sender, receiverAfter: after.receiver };
  } finally {
    await receive.close();
    await send.close();
  }
}

async function poll(page: Page, expression: string): Promise<number> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = (await page.evaluate(expression)) as number | undefined;
    if (typeof value === 'number') return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no result within ${RUN_TIMEOUT_MS / 1000} s`);
}

/** Starts the V8 profiler of a page; the returned function stops it and gives the profile (Chrome DevTools format). */
async function startProfile(page: Page): Promise<() => Promise<unknown>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return async () => (await cdp.send('Profiler.stop')).profile;
}
