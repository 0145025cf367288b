/**
 * File transfer, end to end encrypted like chat: a subkey of the meeting's
 * end-to-end key (purpose `files`), control messages as sealed JSON, and
 * chunks as binary frames
 *
 *   [1: version][16: transfer id][4: chunk index, big-endian][12: IV][ciphertext + 16-byte tag]
 *
 * whose AES-GCM additional data binds each chunk to the meeting, the sender,
 * the receiver, the transfer and its index: a chunk cannot be moved into
 * another transfer, reordered, or passed off as someone else's.
 */
import { decodeBase64Url, encodeBase64Url } from '../../../common/crypto/base64url.js';
import { deriveSubKey } from '../../../common/crypto/meeting-keys.js';
import { openJson, sealJson, type StreamOrder } from '../sealed-json.js';
import { CHUNK_BYTES, FileControl, MAX_CONTROL_CHARS } from './file-protocol.js';

export const FILE_KEY_PURPOSE = 'files';
const VERSION = 1;
const ID_BYTES = 16;
const IV_BYTES = 12;
const HEADER_BYTES = 1 + ID_BYTES + 4 + IV_BYTES;
const TAG_BYTES = 16;

export function deriveFileKey(e2eKey: CryptoKey): Promise<CryptoKey> {
  return deriveSubKey(e2eKey, FILE_KEY_PURPOSE, 'AES-GCM');
}

/** Who sends to whom, in which meeting: bound into everything sealed. */
export interface FileLinkContext {
  meetingId: string;
  from: string;
  to: string;
}

const controlContext = (c: FileLinkContext) => ['merimeet/v1/file-control', c.meetingId, c.from, c.to];

export function sealControl(key: CryptoKey, c: FileLinkContext, order: StreamOrder, message: FileControl): Promise<string> {
  return sealJson(key, controlContext(c), order, message);
}

export function openControl(key: CryptoKey, c: FileLinkContext, frame: string) {
  return openJson(key, controlContext(c), frame, FileControl, MAX_CONTROL_CHARS);
}

export function newTransferId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(ID_BYTES)));
}

function chunkContext(c: FileLinkContext, id: string, index: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(['merimeet/v1/file-chunk', c.meetingId, c.from, c.to, id, String(index)].join('\n'));
}

export async function sealChunk(key: CryptoKey, c: FileLinkContext, id: string, index: number, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: chunkContext(c, id, index) }, key, data));
  const frame = new Uint8Array(HEADER_BYTES + ct.length);
  frame[0] = VERSION;
  frame.set(decodeBase64Url(id), 1);
  new DataView(frame.buffer).setUint32(1 + ID_BYTES, index);
  frame.set(iv, 1 + ID_BYTES + 4);
  frame.set(ct, HEADER_BYTES);
  return frame.buffer;
}

/** Where a binary frame says it belongs, before decrypting it (null if it is not a chunk frame at all). */
export function chunkHeader(frame: ArrayBuffer): { id: string; index: number } | null {
  if (frame.byteLength < HEADER_BYTES + TAG_BYTES || frame.byteLength > HEADER_BYTES + CHUNK_BYTES + TAG_BYTES) return null;
  const bytes = new Uint8Array(frame);
  if (bytes[0] !== VERSION) return null;
  return { id: encodeBase64Url(bytes.slice(1, 1 + ID_BYTES)), index: new DataView(frame).getUint32(1 + ID_BYTES) };
}

/** The plaintext of a chunk, or null if it was tampered with or sealed for another transfer, index or pair. */
export async function openChunk(key: CryptoKey, c: FileLinkContext, frame: ArrayBuffer, id: string, index: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const bytes = new Uint8Array(frame);
  try {
    const iv = bytes.slice(1 + ID_BYTES + 4, HEADER_BYTES);
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: chunkContext(c, id, index) }, key, bytes.subarray(HEADER_BYTES)); // WebCrypto copies its input: no slice needed
    return new Uint8Array(pt);
  } catch {
    return null;
  }
}
