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

/** Retired epochs remembered per sender (one per time they rejoined). */
const RETIRED_LIMIT = 64;

interface SenderOrder {
  epoch: string;
  lastSeq: number;
  retired: string[];
}

function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function createChatChannel(opts: { key: CryptoKey; meetingId: string; localPeerId: () => string | null; now?: () => number }): ChatChannel {
  const now = opts.now ?? Date.now;
  const epoch = newChatEpoch();
  let seq = 0;
  const senders = new Map<string, SenderOrder>();
  let dropped = 0;
  const chains = new Map<string, Promise<ChatMessage | null>>();

  /** True if `order` comes after everything accepted from this sender (and records it). */
  const inOrder = (from: string, order: { epoch: string; seq: number }): boolean => {
    const known = senders.get(from);
    if (!known) {
      senders.set(from, { epoch: order.epoch, lastSeq: order.seq, retired: [] });
      return true;
    }
    if (order.epoch === known.epoch) {
      if (order.seq <= known.lastSeq) return false; // replayed or reordered
      known.lastSeq = order.seq;
      return true;
    }
    if (known.retired.includes(order.epoch)) return false; // an earlier session's message
    known.retired.push(known.epoch);
    if (known.retired.length > RETIRED_LIMIT) known.retired.shift();
    known.epoch = order.epoch;
    known.lastSeq = order.seq;
    return true;
  };

  const channel: ChatChannel = {
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
      const frame = await encryptChat(opts.key, payload, { meetingId: opts.meetingId, senderPeerId: me }, { epoch, seq: ++seq });
      for (const link of links) link.sendChat(frame);
      return { id: payload.id, fromPeerId: me, fromName: payload.fromName, text: payload.text, sentAt: payload.sentAt, mine: true };
    },
    receive(fromPeerId, frame) {
      // One sender's frames are opened one after another, so the order check sees them as they came.
      const run = (chains.get(fromPeerId) ?? Promise.resolve(null)).then(() => open(fromPeerId, frame));
      chains.set(fromPeerId, run);
      void run.finally(() => {
        if (chains.get(fromPeerId) === run) chains.delete(fromPeerId);
      });
      return run;
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
