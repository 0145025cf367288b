/**
 * How much video each sender may send, by meeting size. In a full mesh every
 * sender uploads one copy per other participant, so the per-copy budget must
 * shrink as the meeting grows: with 8 people, 7 copies × ~300 kbps ≈ 2.1 Mbps
 * of video, which a typical home uplink carries. Pure: applied by
 * mesh/sender-encodings.ts through RTCRtpSender.setParameters.
 */

export interface VideoEncodingPolicy {
  /** bits per second, per copy sent */
  maxBitrate: number;
  maxFramerate: number;
  /** The height we aim for; scaleResolutionDownBy is derived from the source's height. */
  targetHeight: number;
  /** The camera's height the scale was computed for (720 when unknown). */
  sourceHeight: number;
  scaleResolutionDownBy: number;
}

interface Tier {
  upTo: number;
  maxBitrate: number;
  targetHeight: number;
  maxFramerate: number;
}

/** Meeting size (people including me) → budget. Sizes beyond the last tier use it. */
export const TIERS: readonly Tier[] = [
  { upTo: 2, maxBitrate: 1_500_000, targetHeight: 720, maxFramerate: 30 },
  { upTo: 4, maxBitrate: 600_000, targetHeight: 360, maxFramerate: 30 },
  { upTo: 8, maxBitrate: 300_000, targetHeight: 240, maxFramerate: 24 },
  { upTo: Infinity, maxBitrate: 150_000, targetHeight: 180, maxFramerate: 15 },
];

/** Audio is cheap and matters most: Opus at 32 kbps regardless of size. */
export const AUDIO_MAX_BITRATE = 32_000;

/**
 * @param participants people in the meeting, including this client
 * @param sourceHeight the camera track's height (getSettings().height), if known; assume 720p otherwise
 */
export function videoEncodingFor(participants: number, sourceHeight?: number): VideoEncodingPolicy {
  const n = Math.max(1, Math.floor(participants));
  const tier = TIERS.find((t) => n <= t.upTo) ?? TIERS[TIERS.length - 1]!;
  const height = sourceHeight !== undefined && sourceHeight > 0 ? sourceHeight : 720;
  // Never scale up (a factor below 1 is invalid); round to 2 decimals to keep setParameters calls stable.
  const scale = Math.max(1, Math.round((height / tier.targetHeight) * 100) / 100);
  return {
    maxBitrate: tier.maxBitrate,
    maxFramerate: tier.maxFramerate,
    targetHeight: tier.targetHeight,
    sourceHeight: height,
    scaleResolutionDownBy: scale,
  };
}

/**
 * The tallest picture a new connection starts with. A fresh connection's
 * bandwidth estimate starts near 300 kbps, and WebRTC drops frames at first
 * until that estimate suits the resolution. Measured join-to-first-frame
 * (`npm run bench -- --only call`, 720p camera): starting at 720p ~300 ms,
 * at 360p ~200 ms, at 240p ~150 ms. After RAMP_UP_MS the full policy applies.
 */
export const START_MAX_HEIGHT = 240;
/** How long after connecting the full policy replaces the starting one (the estimate has ramped up by then). */
export const RAMP_UP_MS = 2_000;

/** The policy a new connection starts with: `policy`, but no taller than START_MAX_HEIGHT. */
export function startingPolicy(policy: VideoEncodingPolicy): VideoEncodingPolicy {
  if (policy.targetHeight <= START_MAX_HEIGHT) return policy;
  const scale = Math.max(policy.scaleResolutionDownBy, Math.round((policy.sourceHeight / START_MAX_HEIGHT) * 100) / 100);
  return { ...policy, targetHeight: START_MAX_HEIGHT, scaleResolutionDownBy: scale };
}
