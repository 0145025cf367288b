/**
 * Chat encryption (DESIGN.md, security model §3–§4). Data channels are
 * already DTLS-encrypted, but chat is encrypted again under a key derived
 * from the meeting's end-to-end key, so the message is readable only by
 * someone who knows the meeting password, whatever path it takes (a future
 * relay, a TURN server, a bug that routes it elsewhere).
 *
 * AES-256-GCM, a fresh 96-bit random IV per message, and additional data
 * that binds the ciphertext to this meeting, to its sender, and to its place
 * in the sender's stream (a random epoch per sender session and a sequence
 * number): a message cannot be replayed into another meeting, re-attributed
 * to another participant (the receiver supplies the sender's peer id from the
 * link the frame arrived on, which DTLS authenticates), or replayed and
 * reordered without the receiver noticing (chat-channel.ts keeps the order).
 *
 * Nothing here stores anything.
 */
import * as v from 'valibot';
import { decodeBase64Url, encodeBase64Url } from '../../common/crypto/base64url.js';
import { deriveSubKey } from '../../common/crypto/meeting-keys.js';

export const CHAT_KEY_PURPOSE = 'chat';
export const MAX_CHAT_TEXT = 4_000;
const MAX_NAME = 64;
const IV_BYTES = 12;
/** Ciphertext bound: 4,000 UTF-16 units are at most 12,000 UTF-8 bytes, plus JSON, plus the tag. */
const MAX_CT_CHARS = 24_000;

export function deriveChatKey(e2eKey: CryptoKey): Promise<CryptoKey> {
  return deriveSubKey(e2eKey, CHAT_KEY_PURPOSE, 'AES-GCM');
}

/** What is encrypted. */
export const ChatPayload = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CHAT_TEXT)),
  sentAt: v.pipe(v.number(), v.finite()),
  fromName: v.pipe(v.string(), v.maxLength(MAX_NAME)),
});
export type ChatPayload = v.InferOutput<typeof ChatPayload>;

/** What goes on the wire. */
const Envelope = v.strictObject({
  v: v.literal(1),
  /** The sender's session (random per call), and this message's number in it. */
  ep: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)),
  seq: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER)),
  iv: v.pipe(v.string(), v.length(16)), // 12 bytes as base64url
  ct: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CT_CHARS)),
});

export interface ChatContext {
  meetingId: string;
  senderPeerId: string;
}

/** Where a message stands in its sender's stream. */
export interface ChatOrder {
  /** 16 random bytes, base64url: one per sender session (newChatEpoch()). */
  epoch: string;
  /** 1, 2, 3… within the epoch. */
  seq: number;
}

export function newChatEpoch(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

function additionalData(ctx: ChatContext, order: ChatOrder): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`merimeet/v2/chat\n${ctx.meetingId}\n${ctx.senderPeerId}\n${order.epoch}\n${order.seq}`);
}

/** Encrypts one message; the result is a string for the data channel. */
export async function encryptChat(key: CryptoKey, payload: ChatPayload, ctx: ChatContext, order: ChatOrder): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plaintext = new TextEncoder().encode(JSON.stringify(payload));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(ctx, order) }, key, plaintext);
  return JSON.stringify({ v: 1, ep: order.epoch, seq: order.seq, iv: encodeBase64Url(iv), ct: encodeBase64Url(new Uint8Array(ct)) });
}

/**
 * Decrypts and validates one frame. Null for anything malformed, forged,
 * tampered, from another meeting or claiming another sender — the caller
 * drops it and counts it.
 */
export async function decryptChat(key: CryptoKey, frame: string, ctx: ChatContext): Promise<{ payload: ChatPayload; order: ChatOrder } | null> {
  if (frame.length > MAX_CT_CHARS + 100) return null;
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return null;
  }
  const env = v.safeParse(Envelope, json);
  if (!env.success) return null;
  let plaintext: ArrayBuffer;
  try {
    const iv = decodeBase64Url(env.output.iv);
    const ct = decodeBase64Url(env.output.ct);
    const order = { epoch: env.output.ep, seq: env.output.seq };
    plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: additionalData(ctx, order) }, key, ct);
  } catch {
    return null; // bad encoding, wrong key, tampered, wrong meeting or sender
  }
  let inner: unknown;
  try {
    inner = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    return null;
  }
  const payload = v.safeParse(ChatPayload, inner);
  return payload.success ? { payload: payload.output, order: { epoch: env.output.ep, seq: env.output.seq } } : null;
}
