/**
 * The web client's FileSink: a received file streams into the origin private
 * file system (OPFS: on disk, in the browser profile, invisible to other
 * sites), never into memory as a whole. Once verified it is offered for
 * saving from there (a disk-backed File); discard() removes it, so a
 * declined, cancelled or failed transfer leaves nothing behind, and a saved
 * one is removed when the person dismisses it or the call ends.
 */
import type { FileSink } from './file-transfers.js';
import { reportAs } from '../failures.js';

/** The folder (in this origin's OPFS) that holds files while they arrive. */
export const INCOMING_DIR = 'merimeet-incoming';

export async function createOpfsSink(): Promise<FileSink> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(INCOMING_DIR, { create: true });
  const entry = crypto.randomUUID();
  const handle = await dir.getFileHandle(entry, { create: true });
  const writable = await handle.createWritable();
  let open = true;
  return {
    write: (chunk) => writable.write(chunk),
    async finish() {
      open = false;
      await writable.close();
      return handle.getFile();
    },
    async discard() {
      if (open) {
        open = false;
        await writable.abort().catch(reportAs('aborting a file being written'));
      }
      await dir.removeEntry(entry).catch(reportAs('removing a discarded file'));
    },
  };
}
