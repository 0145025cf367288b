/**
 * Replaces a file so that readers (and the next start after a crash) see
 * either the old content or the new, never a torn half: write a temp file in
 * the same directory, flush it to disk, then rename over the target.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
  // Same directory, so the rename never crosses a filesystem (where it would not be atomic).
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': never follow or reuse something already at the temp name; the mode applies from creation,
    // so a private key is never readable by others, not even for an instant.
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
