import { describe, expect, it } from 'vitest';
import { startingPolicy, videoEncodingFor } from './bitrate-policy.js';

describe('video encoding by meeting size', () => {
  it('gives two people 720p at 1.5 Mbps', () => {
    expect(videoEncodingFor(2, 720)).toEqual({ maxBitrate: 1_500_000, maxFramerate: 30, targetHeight: 720, sourceHeight: 720, scaleResolutionDownBy: 1 });
    expect(videoEncodingFor(1, 720).maxBitrate).toBe(1_500_000);
  });
  it('gives 3-4 people 360p at 600 kbps', () => {
    for (const n of [3, 4]) {
      const p = videoEncodingFor(n, 720);
      expect(p.maxBitrate).toBe(600_000);
      expect(p.scaleResolutionDownBy).toBe(2);
    }
  });
  it('gives 5-8 people about 240p at 300 kbps, keeping 7 uploads near 2 Mbps', () => {
    for (const n of [5, 6, 7, 8]) {
      const p = videoEncodingFor(n, 720);
      expect(p.maxBitrate).toBe(300_000);
      expect(p.scaleResolutionDownBy).toBe(3);
    }
    expect(videoEncodingFor(8).maxBitrate * 7).toBeLessThanOrEqual(2_500_000);
  });
  it('shrinks further beyond 8', () => {
    expect(videoEncodingFor(12, 720).maxBitrate).toBeLessThan(300_000);
  });
  it('never decreases the budget as the meeting grows', () => {
    let last = Infinity;
    for (let n = 1; n <= 32; n++) {
      const b = videoEncodingFor(n).maxBitrate;
      expect(b).toBeLessThanOrEqual(last);
      last = b;
    }
  });
  it('derives the scale from the source height and never scales up', () => {
    expect(videoEncodingFor(3, 480).scaleResolutionDownBy).toBeCloseTo(1.33, 2);
    expect(videoEncodingFor(2, 360).scaleResolutionDownBy).toBe(1);
    expect(videoEncodingFor(6, 1080).scaleResolutionDownBy).toBe(4.5);
    expect(videoEncodingFor(2, undefined).scaleResolutionDownBy).toBe(1);
  });
});

describe('the picture a new connection starts with', () => {
  it('starts a 720p two-person call at 240p, keeping its bitrate cap', () => {
    expect(startingPolicy(videoEncodingFor(2, 720))).toEqual({ maxBitrate: 1_500_000, maxFramerate: 30, targetHeight: 240, sourceHeight: 720, scaleResolutionDownBy: 3 });
  });
  it('starts a 1080p source at 240p too', () => {
    expect(startingPolicy(videoEncodingFor(2, 1080)).scaleResolutionDownBy).toBe(4.5);
  });
  it('starts a four-person call at 240p instead of 360p', () => {
    expect(startingPolicy(videoEncodingFor(4, 720)).scaleResolutionDownBy).toBe(3);
  });
  it('leaves policies that are already small enough alone', () => {
    for (const n of [5, 9]) expect(startingPolicy(videoEncodingFor(n, 720))).toEqual(videoEncodingFor(n, 720));
  });
  it('never scales a small source up', () => {
    expect(startingPolicy(videoEncodingFor(2, 240)).scaleResolutionDownBy).toBe(1);
  });
});
