/**
 * The key-exchange payloads that travel through the signaling server's
 * `signal` relay (docs/protocol.md), and their validation. Everything the
 * relay hands us is checked against these schemas before any of it is used.
 *
 *   {kind:'media-key-hello', pub, echo, mac}  our X25519 public key for this
 *       session; `echo` is the recipient's public key as we know it ('' before
 *       we heard from them); `mac` is HMAC-SHA256 under a sub-key of the
 *       meeting's e2eKey (pairwise-hello.ts).
 *   {kind:'media-key', sealed}  a sender's media key, sealed (sealed-json.ts)
 *       under the pairwise key of the two of us.
 */
import * as v from 'valibot';

export const HELLO_KIND = 'media-key-hello';
export const MEDIA_KEY_KIND = 'media-key';

/** 32 bytes (an X25519 public key, or an HMAC-SHA256) in base64url. */
const Bytes32 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));
/** A sealed media key is about 200 characters; 1 KiB is generous. */
export const MAX_SEALED_CHARS = 1024;

export const KeyHelloSignal = v.strictObject({
  kind: v.literal(HELLO_KIND),
  pub: Bytes32,
  echo: v.union([v.literal(''), Bytes32]),
  mac: Bytes32,
});
export type KeyHelloSignal = v.InferOutput<typeof KeyHelloSignal>;

export const MediaKeySignal = v.strictObject({
  kind: v.literal(MEDIA_KEY_KIND),
  sealed: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_SEALED_CHARS)),
});

/** What a sealed media key holds. */
export const SealedMediaKey = v.strictObject({
  epoch: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1)),
  step: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff)),
  key: Bytes32,
});

export const KeySignal = v.variant('kind', [KeyHelloSignal, MediaKeySignal]);
export type KeySignal = v.InferOutput<typeof KeySignal>;

/** Whether a relayed payload is meant for us (its `kind`); whether it is well-formed is judged in handleSignal. */
export function isKeySignal(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const kind = (data as { kind?: unknown }).kind;
  return kind === HELLO_KIND || kind === MEDIA_KEY_KIND;
}
