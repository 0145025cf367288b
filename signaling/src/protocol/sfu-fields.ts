/**
 * Fields of the SFU messages: the SDP and ICE a member exchanges with the
 * media server through our server (clients never reach the Janus API).
 */
import * as v from 'valibot';
import { MAX_SDP_BYTES, MAX_SFU_FEEDS } from './limits.js';
import { PeerId } from './fields.js';

/** An SDP offer or answer. The server passes it to Janus and back; it holds no key (DTLS-SRTP, SFrame keys travel elsewhere). */
const sdp = v.pipe(v.string(), v.startsWith('v=0', 'sdp: does not start with v=0'), v.maxLength(MAX_SDP_BYTES, `sdp: longer than ${MAX_SDP_BYTES}`));
export const SdpOffer = v.strictObject({ type: v.literal('offer'), sdp });
export const SdpAnswer = v.strictObject({ type: v.literal('answer'), sdp });
/** Server-sent JSEP: unknown fields ignored, like every server message. */
export const ServerSdpOffer = v.object({ type: v.literal('offer'), sdp: v.string() });
export const ServerSdpAnswer = v.object({ type: v.literal('answer'), sdp: v.string() });

/** A media section's mid, as a browser writes it (short; Chromium numbers them). */
export const SfuMid = v.pipe(v.string(), v.minLength(1, 'mid: empty'), v.maxLength(32, 'mid: longer than 32'));

/**
 * What one media section of a subscriber's offer carries: whose media (their
 * frames open only with their keys), and, for video, whether it is their
 * shared screen (`screen: true`) rather than their camera. The server only
 * learns which of a publisher's mids is its screen (`sfu.publish`'s `screen`).
 */
export const SfuStream = v.object({
  mid: v.pipe(v.string(), v.maxLength(32)),
  peerId: PeerId,
  kind: v.picklist(['audio', 'video']),
  screen: v.optional(v.boolean()),
});

/** One RTCIceCandidate as its JSON, or `null` once gathering is complete. */
export const SfuCandidate = v.nullable(
  v.strictObject({
    candidate: v.pipe(v.string(), v.maxLength(1024, 'candidate: longer than 1024')),
    sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(32)))),
    sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1023)))),
    usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
  }),
);

/** Which of a member's two connections to the SFU a candidate is for. */
export const SfuPeerConnection = v.picklist(['publisher', 'subscriber']);

/** The people whose media a member wants, by peer id (each at most once). */
export const SfuFeeds = v.pipe(
  v.array(PeerId),
  v.maxLength(MAX_SFU_FEEDS, `feeds: more than ${MAX_SFU_FEEDS}`),
  v.check((feeds) => new Set(feeds).size === feeds.length, 'feeds: a peer id is listed twice'),
);

/** How a meeting's media flows: a full mesh, or through the SFU. */
export const MediaTopologyName = v.picklist(['mesh', 'sfu']);
