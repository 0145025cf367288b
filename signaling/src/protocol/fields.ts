/** Field schemas used by both directions of the protocol. */
import * as v from 'valibot';
import {
  KEY_B64URL_PATTERN,
  MAX_ACCOUNT_PASSWORD,
  MAX_DISPLAY_NAME,
  MAX_MEETING_TITLE,
  MAX_PARTICIPANTS,
  MAX_RESUME_TOKEN,
  MEETING_ID_PATTERN,
  MIN_PARTICIPANTS,
  PEER_ID_PATTERN,
  USERNAME_PATTERN,
} from './limits.js';

/** Request id chosen by the client; the reply echoes it. */
export const Rid = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31 - 1));

export const Username = v.pipe(
  v.string(),
  v.regex(USERNAME_PATTERN, 'username: 3-32 of a-z 0-9 . _ -, starting with a letter or digit'),
);
/** Length is checked by the server's password policy, so the error can say "weak_password". */
export const AccountPassword = v.pipe(v.string(), v.maxLength(MAX_ACCOUNT_PASSWORD, 'password too long'));

export const MeetingId = v.pipe(v.string(), v.regex(MEETING_ID_PATTERN, 'meetingId: like abc-defg-hjk'));
export const PeerId = v.pipe(v.string(), v.regex(PEER_ID_PATTERN, 'peerId: 16 hex digits'));
/** 32 bytes as unpadded base64url: admission keys, verifiers, session tokens. */
export const Key32 = v.pipe(v.string(), v.regex(KEY_B64URL_PATTERN, 'expected 32 bytes as base64url'));
export const ResumeToken = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_RESUME_TOKEN));

/** Printable text with no control characters (they could spoof UI or logs). */
const printable = (max: number, what: string) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, `${what} is empty`),
    v.maxLength(max, `${what} longer than ${max}`),
    // eslint-disable-next-line no-control-regex
    v.regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/u, `${what} has control characters`),
  );
export const DisplayName = printable(MAX_DISPLAY_NAME, 'displayName');
export const MeetingTitle = printable(MAX_MEETING_TITLE, 'title');

export const MaxParticipants = v.pipe(v.number(), v.integer(), v.minValue(MIN_PARTICIPANTS), v.maxValue(MAX_PARTICIPANTS));

export const PeerInfo = v.object({
  peerId: PeerId,
  displayName: v.string(),
  muted: v.boolean(),
  videoOff: v.boolean(),
  handRaised: v.boolean(),
});
export type PeerInfo = v.InferOutput<typeof PeerInfo>;

export const MeetingInfo = v.object({
  meetingId: MeetingId,
  title: v.nullable(v.string()),
  lobby: v.boolean(),
  maxParticipants: v.number(),
  createdAt: v.number(),
  endedAt: v.nullable(v.number()),
  /** How many people are in it right now. */
  live: v.number(),
});
export type MeetingInfo = v.InferOutput<typeof MeetingInfo>;

export const IceServer = v.object({
  urls: v.array(v.string()),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
export type IceServer = v.InferOutput<typeof IceServer>;

/** How deeply signal data may nest: SDP, ICE and MACs need 3 or 4 levels. */
export const MAX_SIGNAL_DEPTH = 16;

/**
 * Nesting depth of a parsed JSON value, counted without recursion: the value
 * is hostile, and JSON.parse accepts nesting far deeper than the stack that
 * JSON.stringify (or a recursive walk) has to relay it.
 */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Opaque to the server: SDP, ICE candidates and their MACs, as a JSON object of bounded depth. */
export const SignalData = v.pipe(
  v.looseObject({}),
  v.check((data) => jsonDepth(data, MAX_SIGNAL_DEPTH) <= MAX_SIGNAL_DEPTH, `data nests deeper than ${MAX_SIGNAL_DEPTH} levels`),
);
