/**
 * The decisions of the perfect-negotiation pattern (W3C WebRTC §10.7, MDN
 * "Perfect negotiation"), kept pure so they can be tested without WebRTC.
 * mesh/link-negotiation.ts does the effects.
 *
 * Each end first sends a signed `hello` with its link nonce (sdp-mac.ts). The
 * first offer of a pair always comes from the impolite peer, once it has the
 * polite one's hello (mesh/peer-link.ts holds the polite side's media back until
 * that offer arrives), so joining never starts with a collision. After that either end may offer at any time
 * (tracks change, ICE restarts). When two offers cross ("glare"), the
 * *impolite* peer ignores the incoming offer and the *polite* one rolls its
 * own back and answers.
 */
import * as v from 'valibot';

/** Both ends must agree without talking: the larger peer id is polite. */
export function isPolite(localPeerId: string, remotePeerId: string): boolean {
  return localPeerId > remotePeerId;
}

export interface NegotiationState {
  polite: boolean;
  /** True between starting setLocalDescription() for an offer and it finishing. */
  makingOffer: boolean;
  /** True while setRemoteDescription(answer) runs: the state is about to become stable. */
  isSettingRemoteAnswerPending: boolean;
  signalingState: RTCSignalingState;
}

/** Could an offer be applied right now without colliding with our own? */
export function readyForOffer(s: NegotiationState): boolean {
  return !s.makingOffer && (s.signalingState === 'stable' || s.isSettingRemoteAnswerPending);
}

/** An incoming offer collides with one of ours in flight. */
export function isOfferCollision(type: RTCSdpType, s: NegotiationState): boolean {
  return type === 'offer' && !readyForOffer(s);
}

/** The impolite peer ignores a colliding offer; its own offer wins. */
export function shouldIgnoreOffer(type: RTCSdpType, s: NegotiationState): boolean {
  return !s.polite && isOfferCollision(type, s);
}

export type DescriptionDecision =
  /** Drop it (glare, impolite side; or a stale answer). Remember `ignoreOffer` for its candidates. */
  | { action: 'ignore'; ignoreOffer: boolean }
  /** setRemoteDescription(); if it is an offer, then setLocalDescription() to answer. */
  | { action: 'apply'; answer: boolean; rollback: boolean };

/**
 * What to do with an incoming description. `rollback` is informative: the
 * polite peer's setRemoteDescription(offer) implicitly rolls back its own
 * offer (browsers do this since 2020), so no explicit rollback is needed.
 */
export function decideOnDescription(type: RTCSdpType, s: NegotiationState): DescriptionDecision {
  if (type === 'answer' || type === 'pranswer') {
    // An answer only makes sense while our offer waits for it; anything else is stale
    // (e.g. the answer to an offer we rolled back) and would throw.
    if (s.signalingState !== 'have-local-offer' && s.signalingState !== 'have-local-pranswer') {
      return { action: 'ignore', ignoreOffer: false };
    }
    return { action: 'apply', answer: false, rollback: false };
  }
  if (type === 'rollback') return { action: 'ignore', ignoreOffer: false };
  const collision = isOfferCollision(type, s);
  if (!s.polite && collision) return { action: 'ignore', ignoreOffer: true };
  return { action: 'apply', answer: true, rollback: collision };
}

/**
 * An error adding a remote candidate is expected (and ignored) when it belongs
 * to an offer we ignored; otherwise it is worth reporting.
 */
export function shouldReportCandidateError(ignoreOffer: boolean): boolean {
  return !ignoreOffer;
}

/** A link that has not connected this long after it was made (or last retried) is retried. */
export const CONNECT_TIMEOUT_MS = 12_000;
/** How long a 'disconnected' ICE connection may last before we restart ICE ourselves. */
export const DISCONNECTED_RESTART_MS = 3_000;
/** After this many restarts without getting connected, report the link as failed. */
export const MAX_ICE_RESTARTS = 4;

export type IceAction = 'none' | 'restart' | 'wait';

/**
 * ICE watchdog: 'failed' restarts at once; 'disconnected' often heals by
 * itself (a brief network blip), so restart only once it lasted
 * DISCONNECTED_RESTART_MS.
 */
export function iceAction(iceState: RTCIceConnectionState | RTCPeerConnectionState, disconnectedForMs: number | null): IceAction {
  if (iceState === 'failed') return 'restart';
  if (iceState === 'disconnected') return disconnectedForMs !== null && disconnectedForMs >= DISCONNECTED_RESTART_MS ? 'restart' : 'wait';
  return 'none';
}

/** The link state shown to people. */
export function linkStateFor(
  connectionState: RTCPeerConnectionState,
  restarts: number,
): 'connecting' | 'connected' | 'reconnecting' | 'failed' {
  switch (connectionState) {
    case 'connected':
      return 'connected';
    case 'disconnected':
      return 'reconnecting';
    case 'failed':
      return restarts >= MAX_ICE_RESTARTS ? 'failed' : 'reconnecting';
    case 'closed':
      return 'failed';
    default:
      return restarts > 0 ? 'reconnecting' : 'connecting';
  }
}

// ---- What travels in `signal.data` --------------------------------------------
// Opaque to the server; validated here on arrival like anything else that
// crosses a trust boundary.

/** SDP is bounded by the 64 KiB frame anyway; this keeps parsing cheap. */
const MAX_SDP = 60_000;

const LinkNonce = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
const Mac = v.pipe(v.string(), v.maxLength(128));
/** An `a=msid` stream id (RFC 8830: 1–64 visible ASCII characters). */
const StreamId = v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,64}$/));

export const SignalDescription = v.object({
  kind: v.literal('description'),
  description: v.object({
    type: v.picklist(['offer', 'answer', 'pranswer', 'rollback']),
    sdp: v.pipe(v.string(), v.maxLength(MAX_SDP)),
  }),
  /** The sender's link nonce, the receiver's as the sender knows it, and the sender's sequence number (sdp-mac.ts). */
  nonce: LinkNonce,
  peerNonce: LinkNonce,
  seq: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER)),
  /** The stream id the sender's screen goes under on this link; absent or null before it first shared (MAC-covered). */
  screen: v.optional(v.nullable(StreamId)),
  /** HMAC under the meeting's end-to-end key (sdp-mac.ts). */
  mac: Mac,
});

/** "This is my end of our link": the first thing each end sends (sdp-mac.ts). */
export const SignalHello = v.object({
  kind: v.literal('hello'),
  nonce: LinkNonce,
  mac: Mac,
});

export const SignalCandidate = v.object({
  kind: v.literal('candidate'),
  /** null: end of candidates. */
  candidate: v.nullable(
    v.object({
      candidate: v.pipe(v.string(), v.maxLength(2048)),
      sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
      sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1024)))),
      usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
    }),
  ),
});

export const SignalPayload = v.variant('kind', [SignalHello, SignalDescription, SignalCandidate]);
export type SignalPayload = v.InferOutput<typeof SignalPayload>;

/** Validates the opaque `data` of a `signal`; null if it is not one of ours. */
export function parseSignal(data: unknown): SignalPayload | null {
  const r = v.safeParse(SignalPayload, data);
  return r.success ? r.output : null;
}
