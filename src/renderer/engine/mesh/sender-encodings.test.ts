import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUDIO_MAX_BITRATE, RAMP_UP_MS, startingPolicy, videoEncodingFor } from '../bitrate-policy.js';
import { screenEncodingFor } from '../screen-share.js';
import { applyScreenEncoding, createCameraEncodings } from './sender-encodings.js';

/** The parts of RTCRtpSender the encodings touch; `encodings: []` is a sender not negotiated yet. */
class FakeSender {
  track: { kind: string } | null;
  params: RTCRtpSendParameters & { degradationPreference?: string };
  applied: RTCRtpEncodingParameters[][] = [];
  constructor(kind: string | null, encodings: RTCRtpEncodingParameters[] = [{}]) {
    this.track = kind ? { kind } : null;
    this.params = { encodings, transactionId: 't', codecs: [], headerExtensions: [], rtcp: {} };
  }
  getParameters() {
    return structuredClone(this.params);
  }
  async setParameters(p: RTCRtpSendParameters) {
    this.params = structuredClone(p);
    this.applied.push(structuredClone(p.encodings));
  }
}
const asSenders = (s: FakeSender[]) => s as unknown as RTCRtpSender[];

/** 720p camera, two people: the full policy is taller than the starting one. */
const FULL = videoEncodingFor(2, 720);

describe('camera encodings', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives a sender opened now the encoding it should start with: the starting policy, the full one once ramped up', async () => {
    const camera = createCameraEncodings(() => []);
    expect(camera.initial()).toBeNull(); // no policy yet: the browser's defaults
    await camera.set(FULL);
    const start = startingPolicy(FULL);
    expect(camera.initial()).toEqual({ maxBitrate: start.maxBitrate, maxFramerate: start.maxFramerate, scaleResolutionDownBy: start.scaleResolutionDownBy });
    expect(start.scaleResolutionDownBy).toBeGreaterThan(1); // a 720p camera starts scaled down
    camera.connected();
    await vi.advanceTimersByTimeAsync(RAMP_UP_MS);
    expect(camera.initial()).toEqual({ maxBitrate: FULL.maxBitrate, maxFramerate: FULL.maxFramerate, scaleResolutionDownBy: FULL.scaleResolutionDownBy });
    camera.dispose();
  });

  it('starts a new connection at the starting policy, and ramps up to the full one RAMP_UP_MS after connecting', async () => {
    const video = new FakeSender('video');
    const camera = createCameraEncodings(() => asSenders([video]));
    await camera.set(FULL);
    const start = startingPolicy(FULL);
    expect(start.scaleResolutionDownBy).toBeGreaterThan(FULL.scaleResolutionDownBy);
    expect(video.params.encodings[0]!.scaleResolutionDownBy).toBe(start.scaleResolutionDownBy);
    camera.connected();
    await vi.advanceTimersByTimeAsync(RAMP_UP_MS - 1);
    expect(video.params.encodings[0]!.scaleResolutionDownBy).toBe(start.scaleResolutionDownBy);
    await vi.advanceTimersByTimeAsync(1);
    expect(video.params.encodings[0]).toMatchObject({ maxBitrate: FULL.maxBitrate, maxFramerate: FULL.maxFramerate, scaleResolutionDownBy: FULL.scaleResolutionDownBy });
  });

  it('does not set the same values again (that reconfigures the encoder)', async () => {
    const video = new FakeSender('video');
    const camera = createCameraEncodings(() => asSenders([video]));
    await camera.set(FULL);
    await camera.reapply();
    camera.connected();
    await vi.advanceTimersByTimeAsync(0);
    expect(video.applied).toHaveLength(1);
  });

  it('gives audio its own bitrate, and leaves senders without a track or not negotiated yet alone', async () => {
    const audio = new FakeSender('audio');
    const idle = new FakeSender(null);
    const early = new FakeSender('video', []);
    const camera = createCameraEncodings(() => asSenders([audio, idle, early]));
    await camera.set(FULL);
    expect(audio.params.encodings[0]!.maxBitrate).toBe(AUDIO_MAX_BITRATE);
    expect(idle.applied).toEqual([]);
    expect(early.applied).toEqual([]);
  });

  it('keeps going when a sender refuses its parameters (renegotiation under us)', async () => {
    const refusing = new FakeSender('video');
    refusing.setParameters = () => Promise.reject(new DOMException('changed', 'InvalidModificationError'));
    const next = new FakeSender('audio');
    const camera = createCameraEncodings(() => asSenders([refusing, next]));
    await camera.set(FULL);
    expect(next.applied).toHaveLength(1);
  });

  it('stops the ramp-up timer on dispose', async () => {
    const video = new FakeSender('video');
    const camera = createCameraEncodings(() => asSenders([video]));
    await camera.set(FULL);
    camera.connected();
    expect(vi.getTimerCount()).toBe(1);
    camera.dispose();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(2 * RAMP_UP_MS);
    expect(video.applied).toHaveLength(1);
  });
});

describe('screen encoding', () => {
  it('sends the screen at full resolution, keeping resolution over frames, and only when something changes', async () => {
    const screen = new FakeSender('video', [{ scaleResolutionDownBy: 2 }]);
    const p = screenEncodingFor(3);
    await applyScreenEncoding(screen as unknown as RTCRtpSender, p);
    expect(screen.params.encodings[0]).toMatchObject({ maxBitrate: p.maxBitrate, maxFramerate: p.maxFramerate, scaleResolutionDownBy: 1 });
    expect(screen.params.degradationPreference).toBe('maintain-resolution');
    await applyScreenEncoding(screen as unknown as RTCRtpSender, p);
    expect(screen.applied).toHaveLength(1);
  });

  it('waits for a negotiated sender with a track', async () => {
    const early = new FakeSender('video', []);
    const parked = new FakeSender(null);
    await applyScreenEncoding(early as unknown as RTCRtpSender, screenEncodingFor(2));
    await applyScreenEncoding(parked as unknown as RTCRtpSender, screenEncodingFor(2));
    await applyScreenEncoding(undefined, screenEncodingFor(2));
    expect(early.applied).toEqual([]);
    expect(parked.applied).toEqual([]);
  });
});
