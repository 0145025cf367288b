/**
 * The SFrame header (RFC 9605 §4.3): a config byte `X KKK Y CCC`, then the
 * key id (KID) and the counter (CTR) as minimal big-endian integers when they
 * do not fit in three bits. Values are bigints because the RFC allows 64 bits
 * for both; ours stay far below (media-key-id.ts), but a header from the wire
 * is read in full before it is judged.
 */

export interface SframeHeader {
  kid: bigint;
  ctr: bigint;
}

const MAX_U64 = (1n << 64n) - 1n;

function byteLength(value: bigint): number {
  let n = 0;
  for (let v = value; v > 0n; v >>= 8n) n++;
  return n;
}

function writeBigEndian(out: Uint8Array, offset: number, value: bigint, length: number): void {
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function readBigEndian(bytes: Uint8Array, offset: number, length: number): bigint {
  let v = 0n;
  for (let i = 0; i < length; i++) v = (v << 8n) | BigInt(bytes[offset + i]!);
  return v;
}

/** The encoded header for this KID and CTR (both 0 ≤ x < 2^64). */
export function encodeSframeHeader({ kid, ctr }: SframeHeader): Uint8Array<ArrayBuffer> {
  if (kid < 0n || kid > MAX_U64 || ctr < 0n || ctr > MAX_U64) throw new RangeError('SFrame KID and CTR are 64-bit unsigned');
  const kidLen = kid < 8n ? 0 : byteLength(kid);
  const ctrLen = ctr < 8n ? 0 : byteLength(ctr);
  const out = new Uint8Array(1 + kidLen + ctrLen);
  const k = kidLen === 0 ? Number(kid) : 0x8 | (kidLen - 1);
  const c = ctrLen === 0 ? Number(ctr) : 0x8 | (ctrLen - 1);
  out[0] = (k << 4) | c;
  if (kidLen > 0) writeBigEndian(out, 1, kid, kidLen);
  if (ctrLen > 0) writeBigEndian(out, 1 + kidLen, ctr, ctrLen);
  return out;
}

/** The header at `offset` and its length in bytes, or null when the bytes are too short to hold it. */
export function decodeSframeHeader(bytes: Uint8Array, offset = 0): { header: SframeHeader; length: number } | null {
  if (bytes.length <= offset) return null;
  const config = bytes[offset]!;
  const kField = config >> 4;
  const cField = config & 0xf;
  const kidLen = kField & 0x8 ? (kField & 0x7) + 1 : 0;
  const ctrLen = cField & 0x8 ? (cField & 0x7) + 1 : 0;
  const length = 1 + kidLen + ctrLen;
  if (bytes.length < offset + length) return null;
  const kid = kidLen === 0 ? BigInt(kField) : readBigEndian(bytes, offset + 1, kidLen);
  const ctr = ctrLen === 0 ? BigInt(cField) : readBigEndian(bytes, offset + 1 + kidLen, ctrLen);
  return { header: { kid, ctr }, length };
}
