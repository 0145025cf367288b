/**
 * A recording notice: what one participant says about their own recording
 * ("I am recording" / "I stopped"), and, from the host, whether everyone may
 * record. Sealed like chat (sealed-json.ts): AES-256-GCM under the
 * `recording` subkey of the meeting's end-to-end key, bound to this meeting,
 * to its sender and to its place in the sender's stream (epoch, seq). The
 * server relays it but can neither read nor make one, nor pass one off as
 * another person's (the receiver supplies the sender: the server-stamped
 * `from` of a signal, or the DTLS-authenticated link a frame arrived on).
 *
 * The same sealed frame travels two ways (recording-watch.ts says why):
 *   - through the server, as `signal { kind: 'recording', sealed }`;
 *   - on the peer-to-peer `control` data channel, repeated every second.
 */
import * as v from 'valibot';
import { deriveSubKey } from '../../../common/crypto/meeting-keys.js';
import { openJson, sealJson, type StreamOrder } from '../sealed-json.js';

export const RECORDING_KEY_PURPOSE = 'recording';
/** The payload is two booleans: a few hundred characters of ciphertext at most. */
const MAX_CT_CHARS = 512;
/** Largest frame either path accepts. */
export const MAX_NOTICE_FRAME = 1_024;

export const RecordingNotice = v.strictObject({
  /** The sender records now. */
  recording: v.boolean(),
  /** Only the host's counts: everyone may record (otherwise only the host). */
  everyoneMayRecord: v.boolean(),
});
export type RecordingNotice = v.InferOutput<typeof RecordingNotice>;

/** The `data` of a `signal` that carries a notice through the server. */
export const RecordingSignal = v.strictObject({ kind: v.literal('recording'), sealed: v.pipe(v.string(), v.maxLength(MAX_NOTICE_FRAME)) });
export type RecordingSignal = v.InferOutput<typeof RecordingSignal>;

export function isRecordingSignal(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'recording';
}

export function deriveRecordingKey(e2eKey: CryptoKey): Promise<CryptoKey> {
  return deriveSubKey(e2eKey, RECORDING_KEY_PURPOSE, 'AES-GCM');
}

const context = (meetingId: string, senderPeerId: string) => ['merimeet/v1/recording', meetingId, senderPeerId];

export function sealNotice(key: CryptoKey, meetingId: string, senderPeerId: string, order: StreamOrder, notice: RecordingNotice): Promise<string> {
  return sealJson(key, context(meetingId, senderPeerId), order, notice);
}

/** Null for anything malformed, forged, tampered, from another meeting or in someone else's name. */
export function openNotice(key: CryptoKey, meetingId: string, senderPeerId: string, frame: string): Promise<{ payload: RecordingNotice; order: StreamOrder } | null> {
  return openJson(key, context(meetingId, senderPeerId), frame, RecordingNotice, MAX_CT_CHARS);
}
