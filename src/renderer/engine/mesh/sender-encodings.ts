/**
 * What a link's senders may send: the camera and microphone under the
 * meeting's video policy (bitrate-policy.ts), starting lower for RAMP_UP_MS
 * after the first connection, and a shared screen under its own encoding
 * (screen-share.ts). Encodings exist only once negotiated, so both are
 * applied again when the link connects.
 */
import { AUDIO_MAX_BITRATE, RAMP_UP_MS, startingPolicy, type VideoEncodingPolicy } from '../bitrate-policy.js';
import { screenEncodingsMatch, type ScreenEncodingPolicy } from '../screen-share.js';
import { reportFailure } from '../failures.js';

export interface CameraEncodings {
  readonly policy: VideoEncodingPolicy | null;
  /** A new policy (meeting size or camera changed): applied now. */
  set(policy: VideoEncodingPolicy): Promise<void>;
  /** Applies the current policy again, if there is one (after a track or negotiation changed). */
  reapply(): Promise<void>;
  /** The link connected: apply again, and start the ramp-up timer the first time. */
  connected(): void;
  /** What a camera sender opened now should start with (the starting policy until ramped up), or null without a policy. */
  initial(): RTCRtpEncodingParameters | null;
  /** Stops the ramp-up timer. */
  dispose(): void;
}

/** @param senders the camera and microphone senders (not the screen's) */
export function createCameraEncodings(senders: () => RTCRtpSender[]): CameraEncodings {
  let disposed = false;
  let policy: VideoEncodingPolicy | null = null;
  /** Until RAMP_UP_MS after first connecting, video is sent at startingPolicy(): the first frame comes sooner. */
  let rampedUp = false;
  let rampTimer: ReturnType<typeof setTimeout> | null = null;

  async function applyPolicy(full: VideoEncodingPolicy): Promise<void> {
    const p = rampedUp ? full : startingPolicy(full);
    for (const sender of senders()) {
      const kind = sender.track?.kind;
      if (!kind) continue;
      const params = sender.getParameters();
      if (!params.encodings || params.encodings.length === 0) continue; // not negotiated yet; retried on 'connected'
      const already = params.encodings.every((enc) =>
        kind === 'video'
          ? enc.maxBitrate === p.maxBitrate && enc.maxFramerate === p.maxFramerate && enc.scaleResolutionDownBy === p.scaleResolutionDownBy
          : enc.maxBitrate === AUDIO_MAX_BITRATE,
      );
      // Setting the same values again still reconfigures the encoder, which can cost the first frame.
      if (already) continue;
      for (const enc of params.encodings) {
        if (kind === 'video') {
          enc.maxBitrate = p.maxBitrate;
          enc.maxFramerate = p.maxFramerate;
          enc.scaleResolutionDownBy = p.scaleResolutionDownBy;
        } else {
          enc.maxBitrate = AUDIO_MAX_BITRATE;
        }
      }
      try {
        await sender.setParameters(params);
      } catch (err) {
        /* parameters changed under us (renegotiation); the next change or 'connected' re-applies */
        reportFailure('setting the camera’s encoding', err);
      }
    }
  }

  const reapply = () => (policy ? applyPolicy(policy) : Promise.resolve());

  return {
    get policy() {
      return policy;
    },
    set(p) {
      policy = p;
      return applyPolicy(p);
    },
    reapply,
    initial() {
      if (!policy) return null;
      const p = rampedUp ? policy : startingPolicy(policy);
      return { maxBitrate: p.maxBitrate, maxFramerate: p.maxFramerate, scaleResolutionDownBy: p.scaleResolutionDownBy };
    },
    connected() {
      void reapply(); // encodings may only be settable once negotiated
      if (!rampedUp && !rampTimer) {
        rampTimer = setTimeout(() => {
          rampedUp = true;
          if (policy && !disposed) void applyPolicy(policy);
        }, RAMP_UP_MS);
      }
    },
    dispose() {
      disposed = true;
      if (rampTimer) clearTimeout(rampTimer);
    },
  };
}

/** Sends the screen under `p` (no-op before it is negotiated, or when it already says so). */
export async function applyScreenEncoding(sender: RTCRtpSender | undefined, p: ScreenEncodingPolicy | null): Promise<void> {
  if (!sender?.track || !p) return;
  const params = sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: string };
  if (!params.encodings || params.encodings.length === 0) return; // not negotiated yet; retried on 'connected'
  if (screenEncodingsMatch(params.encodings, p) && params.degradationPreference === p.degradationPreference) return;
  for (const enc of params.encodings) {
    enc.maxBitrate = p.maxBitrate;
    enc.maxFramerate = p.maxFramerate;
    enc.scaleResolutionDownBy = p.scaleResolutionDownBy;
  }
  // A screen shows text: drop frames, never resolution, when the network is short.
  params.degradationPreference = p.degradationPreference;
  try {
    await sender.setParameters(params);
  } catch (err) {
    /* parameters changed under us (renegotiation); the next change or 'connected' re-applies */
    reportFailure('setting the screen’s encoding', err);
  }
}
