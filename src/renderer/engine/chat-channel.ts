/**
 * Chat over the mesh: one encrypted frame, sent on every peer's `chat` data
 * channel (so everyone in the meeting gets it, with no server involved), and
 * the receiving side's decrypt → validate → de-duplicate → ChatMessage.
 * Messages live only in the call state's memory; nothing is persisted.
 */
import type { ChatMessage } from './call-state.js';
import { MAX_CHAT_TEXT, decryptChat, encryptChat, type ChatPayload } from './chat-crypto.js';

export interface ChatSender {
  remoteId: string;
  sendChat(frame: string): boolean;
}

export interface ChatChannel {
  /** Encrypts once and sends to every link; returns the message as shown locally. Throws on empty or too long text. */
  send(text: string, fromName: string, links: Iterable<ChatSender>): Promise<ChatMessage>;
  /** A frame from `fromPeerId`'s data channel; null if it was dropped. */
  receive(fromPeerId: string, frame: string): Promise<ChatMessage | null>;
  /** Frames dropped as malformed, forged or duplicate. */
  readonly dropped: number;
}

/** How many message ids to remember for de-duplication. */
const SEEN_LIMIT = 1_000;

function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function createChatChannel(opts: { key: CryptoKey; meetingId: string; localPeerId: () => string | null; now?: () => number }): ChatChannel {
  const now = opts.now ?? Date.now;
  const seen = new Set<string>();
  let dropped = 0;

  const remember = (k: string) => {
    seen.add(k);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
  };

  return {
    get dropped() {
      return dropped;
    },
    async send(text, fromName, links) {
      const trimmed = text.trim();
      if (trimmed.length === 0) throw new Error('empty message');
      if (trimmed.length > MAX_CHAT_TEXT) throw new Error(`message longer than ${MAX_CHAT_TEXT} characters`);
      const me = opts.localPeerId();
      if (me === null) throw new Error('not in a meeting');
      const payload: ChatPayload = { id: randomId(), text: trimmed, sentAt: now(), fromName: fromName.slice(0, 64) };
      const frame = await encryptChat(opts.key, payload, { meetingId: opts.meetingId, senderPeerId: me });
      for (const link of links) link.sendChat(frame);
      return { id: payload.id, fromPeerId: me, fromName: payload.fromName, text: payload.text, sentAt: payload.sentAt, mine: true };
    },
    async receive(fromPeerId, frame) {
      const payload = await decryptChat(opts.key, frame, { meetingId: opts.meetingId, senderPeerId: fromPeerId });
      const key = payload ? `${fromPeerId}/${payload.id}` : '';
      if (!payload || seen.has(key)) {
        dropped++;
        return null;
      }
      remember(key);
      return { id: payload.id, fromPeerId, fromName: payload.fromName, text: payload.text, sentAt: payload.sentAt, mine: false };
    },
  };
}
