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
import { deriveSubKey } from '../../common/crypto/meeting-keys.js';
import { newEpoch, openJson, sealJson, type StreamOrder } from './sealed-json.js';

export const CHAT_KEY_PURPOSE = 'chat';
export const MAX_CHAT_TEXT = 4_000;
const MAX_NAME = 64;
/**
 * Ciphertext bound: 4,000 UTF-16 units are at most 12,000 UTF-8 bytes in JSON
 * once the sender has removed what JSON escapes as 6 bytes (chat-channel.ts,
 * chatText), plus the rest of the payload, plus the tag, as base64url.
 */
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

export interface ChatContext {
  meetingId: string;
  senderPeerId: string;
}

export type ChatOrder = StreamOrder;
export const newChatEpoch = newEpoch;

const context = (ctx: ChatContext) => ['merimeet/v2/chat', ctx.meetingId, ctx.senderPeerId];

/** Encrypts one message; the result is a string for the data channel. */
export function encryptChat(key: CryptoKey, payload: ChatPayload, ctx: ChatContext, order: ChatOrder): Promise<string> {
  return sealJson(key, context(ctx), order, payload);
}

/**
 * Decrypts and validates one frame. Null for anything malformed, forged,
 * tampered, from another meeting or claiming another sender — the caller
 * drops it and counts it.
 */
export function decryptChat(key: CryptoKey, frame: string, ctx: ChatContext): Promise<{ payload: ChatPayload; order: ChatOrder } | null> {
  return openJson(key, context(ctx), frame, ChatPayload, MAX_CT_CHARS);
}
