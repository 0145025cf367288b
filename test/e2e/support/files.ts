/**
 * File-transfer steps as a person does them (docs/ui-contract.md, "Files"),
 * plus what the test needs to look at behind the UI: the progress bars'
 * values over time, and the browser's private file system where incoming
 * files are written (nothing may be left there after a decline or cancel).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { runInPage, type InPage } from './participant.js';
import { openPanel } from './ui.js';

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** One transfer in the chat panel's list: "NAME from PERSON" (incoming) or "NAME to PERSON" (outgoing). */
export function transfer(page: Page, name: string, way: `${'from' | 'to'} ${string}`): Locator {
  return page.getByRole('list', { name: 'File transfers' }).getByRole('listitem', { name: `${name} ${way}`, exact: true });
}

/**
 * Picks a file with "Send a file" in the chat panel, for `to` ("Everyone" or a
 * name). The bytes are written to disk first and the browser is handed the
 * path, as a person's file picker does: a buffer would cross Playwright's
 * protocol pipe base64-encoded, which took over 20 s for 20 MiB on a busy box.
 */
export async function sendFile(page: Page, file: { name: string; buffer: Buffer }, to = 'Everyone'): Promise<void> {
  // Kept until the test ends (test-results/ is cleared on the next run): the browser reads it lazily while sending.
  const path = test.info().outputPath('picked', file.name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, file.buffer);
  const chat = await openPanel(page, 'Chat');
  await chat.getByRole('combobox', { name: 'Send to' }).selectOption({ label: to });
  const chooser = page.waitForEvent('filechooser');
  await chat.getByRole('button', { name: 'Send a file' }).click();
  await (await chooser).setFiles(path);
}

/**
 * Drops a file made inside the page on the meeting window, as dragging one
 * from the desktop does. `size` bytes of a repeated random block: big files
 * without shipping them over the test's protocol pipe.
 */
export async function dropFile(page: InPage, name: string, size: number): Promise<void> {
  await runInPage(
    page,
    ({ name, size }: { name: string; size: number }) => {
      const block = new Uint8Array(1024 * 1024);
      for (let i = 0; i < block.length; i += 65536) crypto.getRandomValues(block.subarray(i, i + 65536)); // 64 KiB per call at most
      const parts: BlobPart[] = [];
      for (let left = size; left > 0; left -= block.length) parts.push(left >= block.length ? block : block.slice(0, left));
      const data = new DataTransfer();
      data.items.add(new File(parts, name, { type: 'application/octet-stream' }));
      const target = document.querySelector('main')!;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
      }
    },
    { name, size },
  );
}

/** Opens the chat panel from the "wants to send you" notice and accepts. */
export async function acceptFile(page: Page, name: string, from: string): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: `${from} wants to send you ${name}` })).toBeVisible();
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByRole('button', { name: `Accept ${name} from ${from}`, exact: true }).click();
}

/** Saves a received file the way a person does, and returns its bytes and the name the browser chose. */
export async function saveFile(page: Page, name: string): Promise<{ bytes: Buffer; suggested: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: `Save ${name}`, exact: true }).click();
  const d = await download;
  const path = await d.path();
  return { bytes: await readFile(path), suggested: d.suggestedFilename() };
}

/** Starts recording every value the page's progress bars show (sampled each frame), keyed by the bar's name. */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, number[]> = {};
    (window as unknown as { __progress: typeof seen }).__progress = seen;
    const sample = () => {
      for (const bar of document.querySelectorAll('progress')) {
        const name = bar.getAttribute('aria-label') ?? '';
        const values = (seen[name] ??= []);
        if (values.at(-1) !== bar.value) values.push(bar.value);
      }
      requestAnimationFrame(sample);
    };
    sample();
  });
}

export async function progressSeen(page: Page, barName: string): Promise<number[]> {
  return page.evaluate((n) => (window as unknown as { __progress: Record<string, number[]> }).__progress[n] ?? [], barName);
}

/** The entries in the folder where incoming files are written (opfs-sink.ts), [] if it does not exist. */
export async function incomingFiles(page: InPage): Promise<string[]> {
  return runInPage(page, async () => {
    const root = await navigator.storage.getDirectory();
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await root.getDirectoryHandle('merimeet-incoming');
    } catch {
      return [];
    }
    const names: string[] = [];
    for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
    return names;
  }, null);
}
