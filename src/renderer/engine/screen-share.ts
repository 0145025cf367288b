/**
 * How a shared screen is captured and sent. A screen is mostly text and
 * still pictures: a blurred, downscaled screen is useless, a choppy one is
 * fine. So the share is sent at its full resolution (never scaled down), at a
 * low frame rate, with more bits per copy than a camera gets, and the
 * encoder is told to drop frames rather than resolution when the network is
 * short. Pure: mesh/sender-encodings.ts applies it through RTCRtpSender.
 */

export interface ScreenEncodingPolicy {
  /** bits per second, per copy sent */
  maxBitrate: number;
  maxFramerate: number;
  /** Always 1: text must stay sharp. */
  scaleResolutionDownBy: 1;
  degradationPreference: 'maintain-resolution';
}

interface ScreenTier {
  upTo: number;
  maxBitrate: number;
  maxFramerate: number;
}

/**
 * Meeting size (people including the sharer) → budget per copy. In a full
 * mesh the sharer uploads one copy per viewer, on top of its camera: with 8
 * people, 7 × 800 kbps ≈ 5.6 Mbps, the most a good uplink should carry.
 */
export const SCREEN_TIERS: readonly ScreenTier[] = [
  { upTo: 2, maxBitrate: 2_500_000, maxFramerate: 15 },
  { upTo: 4, maxBitrate: 1_500_000, maxFramerate: 10 },
  { upTo: 8, maxBitrate: 800_000, maxFramerate: 5 },
  { upTo: Infinity, maxBitrate: 500_000, maxFramerate: 5 },
];

export function screenEncodingFor(participants: number): ScreenEncodingPolicy {
  const n = Math.max(1, Math.floor(participants));
  const tier = SCREEN_TIERS.find((t) => n <= t.upTo) ?? SCREEN_TIERS[SCREEN_TIERS.length - 1]!;
  return { maxBitrate: tier.maxBitrate, maxFramerate: tier.maxFramerate, scaleResolutionDownBy: 1, degradationPreference: 'maintain-resolution' };
}

/** True when `encodings` already say what `policy` says (setting them again would reconfigure the encoder). */
export function screenEncodingsMatch(encodings: readonly RTCRtpEncodingParameters[], policy: ScreenEncodingPolicy): boolean {
  return (
    encodings.length > 0 &&
    encodings.every((e) => e.maxBitrate === policy.maxBitrate && e.maxFramerate === policy.maxFramerate && e.scaleResolutionDownBy === policy.scaleResolutionDownBy)
  );
}

/**
 * What we ask getDisplayMedia for: a screen, window or tab up to 1920×1080
 * (the encoder never scales it down, so this bounds the uplink; a larger
 * screen is scaled to fit, keeping its shape), at the frame rate
 * we send, with its sound where the platform offers it (a tab's or the
 * system's). The Chromium-only hints let the person switch the shared tab
 * and keep meriMeet's own tab out of the list (sharing it shows a hall of
 * mirrors); other browsers ignore them.
 */
export function displayMediaOptions(): DisplayMediaStreamOptions {
  const options: DisplayMediaStreamOptions & Record<string, unknown> = {
    video: { width: { max: 1920 }, height: { max: 1080 }, frameRate: { ideal: 15, max: 30 } },
    audio: true,
    selfBrowserSurface: 'exclude',
    surfaceSwitching: 'include',
    systemAudio: 'include',
  };
  return options;
}

/**
 * What an arriving remote track is, from the stream it is labelled with
 * (`a=msid`): the peer's screen only if their MAC-verified description
 * claimed that stream as the screen; otherwise their camera and microphone,
 * which all come on one stream (or none, for a peer without a camera at
 * first). Any other stream is ignored rather than allowed to replace the
 * camera's.
 */
export function remoteTrackRole(label: string | undefined, screenClaim: string | null, cameraStream: string | undefined): 'screen' | 'camera' | 'ignore' {
  if (label !== undefined && screenClaim !== null && label === screenClaim) return 'screen';
  if (label !== undefined && cameraStream !== undefined && label !== cameraStream) return 'ignore';
  return 'camera';
}

/**
 * Readies a captured screen for sending: the `detail` hint makes the encoder
 * favour sharpness over motion (and keeps Chromium from scaling it down);
 * the stream's other tracks (its audio) are sent as they are.
 */
export function prepareScreenStream(stream: MediaStream): MediaStream {
  for (const track of stream.getVideoTracks()) {
    if ('contentHint' in track) track.contentHint = 'detail';
  }
  return stream;
}
