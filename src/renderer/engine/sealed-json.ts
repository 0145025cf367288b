/**
 * A JSON message sealed for a data channel: AES-256-GCM under a subkey of the
 * meeting's end-to-end key, a fresh 96-bit random IV each time, and
 * additional data that binds it to its context (a label, the meeting, the
 * sender, …, chosen by the caller) and to its place in the sender's stream
 * (epoch and sequence number, carried in clear so the receiver can check the
 * order). Chat (chat-crypto.ts) and file-transfer control messages
 * (files/file-crypto.ts) are both sealed this way.
 *
 *   {"v":1,"ep":EPOCH,"seq":N,"iv":IV,"ct":CIPHERTEXT}
 */
import * as v from 'valibot';
import { decodeBase64Url, encodeBase64Url } from '../../common/crypto/base64url.js';

const IV_BYTES = 12;

/** Where a message stands in its sender's stream. */
export interface StreamOrder {
  /** 16 random bytes, base64url: one per sender session (newEpoch()). */
  epoch: string;
  /** 1, 2, 3… within the epoch. */
  seq: number;
}

export function newEpoch(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

const envelope = (maxCiphertextChars: number) =>
  v.strictObject({
    v: v.literal(1),
    ep: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)),
    seq: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER)),
    iv: v.pipe(v.string(), v.length(16)), // 12 bytes as base64url
    ct: v.pipe(v.string(), v.minLength(1), v.maxLength(maxCiphertextChars)),
  });

function additionalData(context: readonly string[], order: StreamOrder): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode([...context, order.epoch, String(order.seq)].join('\n'));
}

/** Seals `payload` (JSON-serialisable) for `context` at `order`; the result is a string for a data channel. */
export async function sealJson(key: CryptoKey, context: readonly string[], order: StreamOrder, payload: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plaintext = new TextEncoder().encode(JSON.stringify(payload));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(context, order) }, key, plaintext);
  return JSON.stringify({ v: 1, ep: order.epoch, seq: order.seq, iv: encodeBase64Url(iv), ct: encodeBase64Url(new Uint8Array(ct)) });
}

/**
 * Opens and validates one frame against `schema`. Null for anything
 * malformed, forged, tampered, sealed for another context, or whose content
 * does not match the schema: the caller drops it and counts it.
 */
export async function openJson<S extends v.GenericSchema>(
  key: CryptoKey,
  context: readonly string[],
  frame: string,
  schema: S,
  maxCiphertextChars: number,
): Promise<{ payload: v.InferOutput<S>; order: StreamOrder } | null> {
  if (frame.length > maxCiphertextChars + 100) return null;
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return null;
  }
  const env = v.safeParse(envelope(maxCiphertextChars), json);
  if (!env.success) return null;
  const order = { epoch: env.output.ep, seq: env.output.seq };
  let plaintext: ArrayBuffer;
  try {
    const iv = decodeBase64Url(env.output.iv);
    const ct = decodeBase64Url(env.output.ct);
    plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: additionalData(context, order) }, key, ct);
  } catch {
    return null; // bad encoding, wrong key, tampered, other context
  }
  let inner: unknown;
  try {
    inner = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    return null;
  }
  const payload = v.safeParse(schema, inner);
  return payload.success ? { payload: payload.output, order } : null;
}
