/**
 * The words around a file transfer (docs/ui-contract.md, "Files"): sizes,
 * speeds, and one sentence per state that names the other person, so a
 * failure says what happened and whether anything was kept.
 */
import type { FileTransfer } from '../../engine/call-state.js';
import { MAX_FILE_BYTES, MAX_RELAYED_FILE_BYTES } from '../../engine/files/file-protocol.js';
import { STALL_MS } from '../../engine/files/file-transfers.js';

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '';
}

/** What a receiver can accept now, shown next to "Send a file" (less in an SFU meeting: files go through the relay). */
export function sizeLimitText(maxFileBytes: number): string {
  return `Up to ${formatBytes(maxFileBytes)} per file.`;
}

const ERROR_TEXT: Record<NonNullable<FileTransfer['error']>, (who: string) => string> = {
  peer_left: (who) => `${who} left the meeting before the file was complete. Nothing was kept.`,
  remote_failed: (who) => `The transfer failed on ${who}'s side. Nothing was kept.`,
  too_large: () => `This file is larger than ${formatBytes(MAX_FILE_BYTES)}, the most meriMeet accepts. It was refused.`,
  too_large_relayed: () => `This file is larger than ${formatBytes(MAX_RELAYED_FILE_BYTES)}, the most a meeting this large carries (files go through the meeting server). It was refused.`,
  out_of_order: (who) => `The data from ${who} arrived out of order, so it was rejected. Nothing was kept.`,
  damaged: (who) => `The data from ${who} failed its integrity check, so it was rejected. Nothing was kept.`,
  too_much_data: (who) => `${who} sent more data than the file's size, so it was rejected. Nothing was kept.`,
  incomplete: (who) => `The file from ${who} ended before all of it arrived. Nothing was kept.`,
  hash_mismatch: (who) => `The file from ${who} does not match its checksum, so it was rejected. Nothing was kept.`,
  stalled: (who) => `Nothing arrived from ${who} for ${STALL_MS / 1000} seconds, so the transfer was stopped. Nothing was kept.`,
  storage: () => 'The file could not be written to this device’s storage (it may be full). Nothing was kept.',
  connection: (who) => `The connection to ${who} closed during the transfer.`,
};

/** One sentence for the transfer's state, e.g. "Sending to Ada: 4.0 MB of 20.0 MB, 3.1 MB/s". */
export function transferStatus(t: FileTransfer): string {
  const who = t.peerName;
  const progress = `${formatBytes(t.bytes)} of ${formatBytes(t.size)}`;
  const speed = formatSpeed(t.bytesPerSecond);
  const moving = speed ? `${progress}, ${speed}` : progress;
  switch (t.state) {
    case 'offered':
      return `${who} wants to send you this file (${formatBytes(t.size)}).`;
    case 'waiting':
      return `Waiting for ${who} to accept.`;
    case 'sending':
      return `Sending to ${who}: ${moving}`;
    case 'receiving':
      return `Receiving from ${who}: ${moving}`;
    case 'verifying':
      return `Checking the file from ${who}…`;
    case 'done':
      return t.direction === 'in' ? `Received from ${who} and verified (SHA-256).` : `Sent to ${who}.`;
    case 'declined':
      return t.direction === 'in' ? 'You declined this file.' : `${who} declined the file.`;
    case 'cancelled':
      return 'The transfer was cancelled. Nothing was kept.';
    case 'failed':
      return t.error ? ERROR_TEXT[t.error](who) : 'The transfer failed. Nothing was kept.';
  }
}
