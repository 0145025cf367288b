/**
 * One measured session of the `guests` benchmark: the real meriMeet server
 * (in-process, serving dist/web), one Chromium and one Firefox, and per run
 * two meetings, alternating which goes first: a Chromium host with a Firefox
 * guest, and a Firefox host with a Chromium guest. For the guest, in their page:
 * - key derivation: the app's User Timing measure `merimeet:key-derivation`
 *   (src/renderer/ui/prejoin/key-derivation.ts), from the link opening to the keys;
 * - join click → first remote frame: the `call` benchmark's stopwatch
 *   (call/stopwatch.page.js), from the click on "Join meeting" to the first
 *   requestVideoFrameCallback of the host's video.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { startServer } from '../../../signaling/src/server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium.js';
import { launchFirefox } from '../../e2e/support/firefox.js';
import { createMeeting, type ServerAddress } from '../../e2e/support/meetings.js';
import { openChromium, openFirefox, type BenchPage, type BrowserName } from './drivers.js';

/** Key derivation keeps "Join meeting" disabled: 0.6–2.2 s measured, 60 s budget as in the e2e suite. */
const KEYS_READY_MS = 60_000;
/** A guest who sees no remote frame for this long counts as failed. */
const FIRST_FRAME_MS = 30_000;

const STOPWATCH = readFileSync(new URL('../call/stopwatch.page.js', import.meta.url), 'utf8');

export interface GuestSample {
  guest: BrowserName;
  keyDerivationMs: number;
  joinToFirstFrameMs: number;
}

export interface GuestSamples {
  samples: GuestSample[];
  failures: { guest: BrowserName; run: number; error: string }[];
  browsers: Record<BrowserName, string>;
}

async function until<T>(read: () => Promise<T | null | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await read();
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
}

async function joinAsHost(p: BenchPage, name: string): Promise<void> {
  await p.fillName(name);
  await p.clickButton('Join meeting', KEYS_READY_MS);
  const own = JSON.stringify(`[role="group"][aria-label="${name} (you)"]`);
  await until(async () => ((await p.evaluate(`document.querySelector(${own}) !== null`)) ? true : null), 20_000, `own tile for ${name}`);
}

async function oneMeeting(
  open: Record<BrowserName, (url: string) => Promise<BenchPage>>,
  address: ServerAddress,
  origin: string,
  guest: BrowserName,
): Promise<GuestSample> {
  const meeting = await createMeeting(address);
  const url = `${origin}/#m=${encodeURIComponent(meeting.meetingId)}&p=${encodeURIComponent(meeting.password)}`;
  const host = await open[guest === 'firefox' ? 'chromium' : 'firefox'](url);
  let visitor: BenchPage | null = null;
  try {
    await joinAsHost(host, 'Hana');
    visitor = await open[guest](url);
    const g = visitor;
    await g.fillName('Gus');
    await g.evaluate(STOPWATCH.replace(/\bBUTTON_TEXT\b(?=\);\s*$)/, JSON.stringify('Join meeting')));
    await g.clickButton('Join meeting', KEYS_READY_MS);
    const keyDerivationMs = await until(
      async () => (await g.evaluate(`performance.getEntriesByName('merimeet:key-derivation')[0]?.duration ?? null`)) as number | null,
      KEYS_READY_MS,
      'key derivation measure',
    );
    const joinToFirstFrameMs = await until(async () => (await g.evaluate('window.__benchFirstFrameMs')) as number | undefined, FIRST_FRAME_MS, 'remote video frame after the click');
    return { guest, keyDerivationMs, joinToFirstFrameMs };
  } finally {
    await visitor?.close();
    await host.close();
  }
}

export async function measureGuests(runs: number, warmup: number, webRoot: string, log: (l: string) => void): Promise<GuestSamples> {
  const dataDir = mkdtempSync(join(tmpdir(), 'merimeet-bench-guests-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, webRoot, logLevel: 'warn' });
  const chromiumBrowser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  let firefox: PuppeteerBrowser | null = null;
  const address: ServerAddress = { url: server.url, ca: server.certificatePem ?? '' };
  const origin = `https://${new URL(server.url).host}`;
  const out: GuestSamples = { samples: [], failures: [], browsers: { chromium: chromiumBrowser.version(), firefox: '' } };
  try {
    firefox = await launchFirefox();
    const ff = firefox;
    out.browsers.firefox = await ff.version();
    const open = { chromium: (url: string) => openChromium(chromiumBrowser, url), firefox: (url: string) => openFirefox(ff, url) };
    for (let i = 0; i < warmup + runs; i++) {
      // Alternate which guest goes first, so neither always runs on a freshly idle machine.
      const order: BrowserName[] = i % 2 === 0 ? ['firefox', 'chromium'] : ['chromium', 'firefox'];
      const line: string[] = [];
      for (const guest of order) {
        try {
          const s = await oneMeeting(open, address, origin, guest);
          if (i >= warmup) out.samples.push(s);
          line.push(`${guest} guest: keys ${s.keyDerivationMs.toFixed(0)} ms, first frame ${s.joinToFirstFrameMs.toFixed(0)} ms`);
        } catch (err) {
          // A guest who never sees video is a finding, not a reason to lose the other runs.
          out.failures.push({ guest, run: i, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
          line.push(`${guest} guest: FAILED`);
        }
      }
      log(`${i < warmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`}: ${line.join('; ')}`);
    }
  } finally {
    await firefox?.close();
    await chromiumBrowser.close();
    await server.shutdown({ drainMs: 0 });
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}
