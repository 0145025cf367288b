/**
 * Chat in an SFU meeting: the same sealed frame a mesh sends on its data
 * channel (chat-channel.ts seals and checks it), carried by the server's
 * `signal` relay instead. The server sees only ciphertext, as it would on
 * the data channel's DTLS; what it could do — drop, delay, replay — the chat
 * channel's sequence and replay checks already catch.
 */
import * as v from 'valibot';

/** A sealed chat frame is a few KiB at most (chat-crypto.ts caps the text); the relay's frame limit is 64 KiB. */
const MAX_RELAYED_CHAT = 32 * 1024;

const RelayedChat = v.strictObject({ kind: v.literal('chat'), frame: v.pipe(v.string(), v.maxLength(MAX_RELAYED_CHAT)) });
export type RelayedChat = v.InferOutput<typeof RelayedChat>;

export function relayedChat(frame: string): RelayedChat {
  return { kind: 'chat', frame };
}

export function isRelayedChat(data: unknown): data is RelayedChat {
  return v.is(RelayedChat, data);
}
