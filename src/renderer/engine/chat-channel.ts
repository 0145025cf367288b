/**
 * Chat over the mesh: one encrypted frame, sent on every peer's `chat` data
 * channel (so everyone in the meeting gets it, with no server involved), and
 * the receiving side's decrypt → validate → order check → ChatMessage.
 * Messages live only in the call state's memory; nothing is persisted.
 *
 * Order: each sender numbers its messages within a random epoch (one per
 * call). A receiver takes a sender's messages only in increasing order, so a
 * replayed or reordered frame is dropped; a new epoch means the sender
 * rejoined, and an epoch once replaced is never accepted again.
 */
import type { ChatMessage } from './call-state.js';
import { MAX_CHAT_TEXT, decryptChat, encryptChat, newChatEpoch, type ChatPayload } from './chat-crypto.js';
import { createSerialQueues } from './serial.js';
import { createOrderCheck } from './stream-order.js';

export interface ChatSender {
  remoteId: string;
  sendChat(frame: string): boolean;
}

export interface ChatChannel {
  /** Encrypts once and sends to every link; returns the message as shown locally. Throws on empty or too long text. */
  send(text: string, fromName: string, links: Iterable<ChatSender>): Promise<ChatMessage>;
  /** A frame from `fromPeerId`'s data channel; null if it was dropped. */
  receive(fromPeerId: string, frame: string): Promise<ChatMessage | null>;
  /** Frames dropped as malformed, forged, replayed or out of order. */
  readonly dropped: number;
}

/**
 * The text as it is sent: control characters other than tab and line breaks
 * removed (they show as nothing), and lone surrogates (a broken emoji) made
 * U+FFFD. JSON writes each of those as a 6-byte `\u0001` escape, so 4,000 of
 * them sealed to a frame larger than receivers take (chat-crypto.ts bounds it
 * for 3 bytes a character): the sender showed a message nobody got.
 */
export function chatText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .trim()
  );
}

function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function createChatChannel(opts: { key: CryptoKey; meetingId: string; localPeerId: () => string | null; now?: () => number }): ChatChannel {
  const now = opts.now ?? Date.now;
  const epoch = newChatEpoch();
  let seq = 0;
  const inOrder = createOrderCheck();
  let dropped = 0;
  // One sender's frames are opened one after another, so the order check sees them as they came.
  const serially = createSerialQueues();

  const channel: ChatChannel = {
    get dropped() {
      return dropped;
    },
    async send(text, fromName, links) {
      const trimmed = chatText(text);
      if (trimmed.length === 0) throw new Error('empty message');
      if (trimmed.length > MAX_CHAT_TEXT) throw new Error(`message longer than ${MAX_CHAT_TEXT} characters`);
      const me = opts.localPeerId();
      if (me === null) throw new Error('not in a meeting');
      const payload: ChatPayload = { id: randomId(), text: trimmed, sentAt: now(), fromName: fromName.slice(0, 64) };
      const frame = await encryptChat(opts.key, payload, { meetingId: opts.meetingId, senderPeerId: me }, { epoch, seq: ++seq });
      for (const link of links) link.sendChat(frame);
      return { id: payload.id, fromPeerId: me, fromName: payload.fromName, text: payload.text, sentAt: payload.sentAt, mine: true };
    },
    receive(fromPeerId, frame) {
      return serially(fromPeerId, () => open(fromPeerId, frame));
    },
  };
  return channel;

  async function open(fromPeerId: string, frame: string): Promise<ChatMessage | null> {
    const opened = await decryptChat(opts.key, frame, { meetingId: opts.meetingId, senderPeerId: fromPeerId });
    if (!opened || !inOrder(fromPeerId, opened.order)) {
      dropped++;
      return null;
    }
    const payload = opened.payload;
    return { id: payload.id, fromPeerId, fromName: payload.fromName, text: payload.text, sentAt: payload.sentAt, mine: false };
  }
}
