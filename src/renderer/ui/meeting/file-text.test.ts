import { describe, expect, it } from 'vitest';
import type { FileTransfer } from '../../engine/call-state.js';
import { formatBytes, formatSpeed, sizeLimitText, transferStatus } from './file-text.js';

const t = (over: Partial<FileTransfer>): FileTransfer => ({
  id: 'x',
  direction: 'in',
  peerId: 'p',
  peerName: 'Ada',
  name: 'a.pdf',
  size: 20 * 1024 * 1024,
  type: '',
  state: 'offered',
  bytes: 0,
  bytesPerSecond: 0,
  error: null,
  url: null,
  ...over,
});

describe('file transfer text', () => {
  it('formats sizes the way file managers do', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MB');
    expect(formatSpeed(0)).toBe('');
    expect(formatSpeed(3 * 1024 * 1024)).toBe('3.0 MB/s');
    expect(sizeLimitText(4 * 1024 ** 3)).toBe('Up to 4.0 GB per file.');
    expect(sizeLimitText(100 * 1024 ** 2)).toBe('Up to 100 MB per file.');
  });

  it('says who, how much and how fast while moving', () => {
    expect(transferStatus(t({ direction: 'out', state: 'sending', bytes: 4 * 1024 * 1024, bytesPerSecond: 1024 * 1024 }))).toBe(
      'Sending to Ada: 4.0 MB of 20.0 MB, 1.0 MB/s',
    );
    expect(transferStatus(t({ state: 'receiving', bytes: 0 }))).toBe('Receiving from Ada: 0 bytes of 20.0 MB');
    expect(transferStatus(t({ state: 'offered' }))).toBe('Ada wants to send you this file (20.0 MB).');
  });

  it('explains every failure with the other person named and what was kept', () => {
    const errors: NonNullable<FileTransfer['error']>[] = [
      'peer_left',
      'remote_failed',
      'too_large',
      'out_of_order',
      'damaged',
      'too_much_data',
      'incomplete',
      'hash_mismatch',
      'storage',
      'stalled',
      'connection',
    ];
    const texts = errors.map((error) => transferStatus(t({ state: 'failed', error })));
    expect(new Set(texts).size).toBe(errors.length);
    expect(texts[0]).toBe('Ada left the meeting before the file was complete. Nothing was kept.');
    expect(texts[7]).toContain('checksum');
  });

  it('tells declined-by-me from declined-by-them', () => {
    expect(transferStatus(t({ state: 'declined' }))).toBe('You declined this file.');
    expect(transferStatus(t({ state: 'declined', direction: 'out' }))).toBe('Ada declined the file.');
  });
});
