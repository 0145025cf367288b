/**
 * One measured session of the `audio` bench: the real server (in-process,
 * serving dist/web), Ada in a Chromium of her own whose fake microphone plays
 * the noisy speech (`--use-file-for-fake-audio-capture`), Bob in another
 * Chromium. Bob records what he receives from Ada (MediaRecorder on the
 * remote track, decoded back to PCM in his page) with Ada's suppression off,
 * then on (her toolbar toggle, in the same call), and the CPU of Ada's
 * renderer processes is read from /proc over each recording.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startServer } from '../../../signaling/src/server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium.js';
import { createMeeting } from '../../e2e/support/meetings.js';
import { continueToPreJoin, expectPhase, getReadyToJoin, peerIdOf } from '../../e2e/support/ui.js';
import { cpuSeconds, sleep } from '../support/processes.js';

export interface Window {
  /** Mean square per 10 ms frame of what Bob received. */
  energies: number[];
  /** CPU seconds Ada's renderer processes used over the window, and the window's length. */
  rendererCpuSeconds: number;
  seconds: number;
}

export interface AudioSamples {
  off: Window;
  on: Window;
}

/** Pids of the processes under `root` (children, their children…). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      continue; // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, p] of parent) {
      if (p !== pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Ada's renderer processes: the renderers of the Chromium launched with her microphone file. */
function rendererPids(marker: string): number[] {
  const browsers = readdirSync('/proc').filter((n) => /^\d+$/.test(n) && cmdline(Number(n)).includes(marker) && !cmdline(Number(n)).includes('--type='));
  return browsers.flatMap((b) => descendants(Number(b))).filter((pid) => cmdline(pid).includes('--type=renderer'));
}

function rendererCpu(marker: string): number {
  let total = 0;
  for (const pid of rendererPids(marker)) {
    try {
      total += cpuSeconds(pid);
    } catch {
      continue; // a renderer that went away counts nothing more
    }
  }
  return total;
}

/** Records `peerId`'s audio in `page` for `seconds` and returns its 10 ms frame energies at 48 kHz. */
async function recordReceived(page: Page, peerId: string, seconds: number): Promise<number[]> {
  return page.evaluate(
    async ({ id, ms }) => {
      const video = document.querySelector<HTMLVideoElement>(`video[data-peer-id="${CSS.escape(id)}"]`);
      const stream = video?.srcObject instanceof MediaStream ? video.srcObject : null;
      const track = stream?.getAudioTracks()[0];
      if (!track) throw new Error('no audio from the peer');
      const recorder = new MediaRecorder(new MediaStream([track]), { mimeType: 'audio/webm;codecs=opus', audioBitsPerSecond: 128_000 });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      recorder.start();
      await new Promise((resolve) => setTimeout(resolve, ms));
      recorder.stop();
      await stopped;
      const ctx = new AudioContext({ sampleRate: 48_000 });
      const pcm = (await ctx.decodeAudioData(await new Blob(chunks).arrayBuffer())).getChannelData(0);
      await ctx.close();
      const n = 480;
      const out: number[] = [];
      for (let f = 0; f + n <= pcm.length; f += n) {
        let sum = 0;
        for (let i = f; i < f + n; i++) sum += pcm[i]! * pcm[i]!;
        out.push(sum / n);
      }
      return out;
    },
    { id: peerId, ms: seconds * 1000 },
  );
}

async function measureWindow(bob: Page, adaId: string, marker: string, seconds: number): Promise<Window> {
  const cpuBefore = rendererCpu(marker);
  const started = performance.now();
  const energies = await recordReceived(bob, adaId, seconds);
  return { energies, rendererCpuSeconds: rendererCpu(marker) - cpuBefore, seconds: (performance.now() - started) / 1000 };
}

async function openPerson(browser: Browser, origin: string): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await page.goto(origin + '/');
  return page;
}

export async function measureAudio(mixPath: string, seconds: number, webRoot: string, log: (l: string) => void): Promise<AudioSamples> {
  const dataDir = mkdtempSync(join(tmpdir(), 'merimeet-bench-audio-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, webRoot, logLevel: 'warn' });
  const origin = `https://${new URL(server.url).host}`;
  const marker = `--use-file-for-fake-audio-capture=${mixPath}`;
  const adaBrowser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, marker] });
  const bobBrowser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const meeting = await createMeeting({ url: server.url, ca: server.certificatePem ?? '' });
    const ada = await openPerson(adaBrowser, origin);
    const bob = await openPerson(bobBrowser, origin);
    await continueToPreJoin(ada, meeting);
    await ada.getByRole('checkbox', { name: 'Suppress background noise' }).setChecked(false);
    await (await getReadyToJoin(ada, 'Ada')).click();
    await expectPhase(ada, 'Ada', 'in-call');
    await continueToPreJoin(bob, meeting);
    await (await getReadyToJoin(bob, 'Bob')).click();
    await expectPhase(bob, 'Bob', 'in-call');
    const adaId = await peerIdOf(bob, 'Ada');
    await bob.locator(`video[data-peer-id="${adaId}"]`).waitFor();
    // Let the call settle (bandwidth estimate, the receiver's jitter buffer) before measuring.
    await sleep(3000);
    log(`recording ${seconds} s with suppression off`);
    const off = await measureWindow(bob, adaId, marker, seconds);
    const toggle = ada.getByRole('button', { name: 'Noise suppression' });
    await toggle.click();
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') throw new Error('noise suppression did not turn on');
    await sleep(2000);
    log(`recording ${seconds} s with suppression on`);
    const on = await measureWindow(bob, adaId, marker, seconds);
    return { off, on };
  } finally {
    await adaBrowser.close();
    await bobBrowser.close();
    await server.shutdown({ drainMs: 200 });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
