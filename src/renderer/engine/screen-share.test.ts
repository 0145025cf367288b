import { describe, expect, it } from 'vitest';
import { videoEncodingFor } from './bitrate-policy.js';
import { SCREEN_TIERS, displayMediaOptions, prepareScreenStream, remoteTrackRole, screenEncodingFor, screenEncodingsMatch } from './screen-share.js';

describe('screen encoding', () => {
  it('never scales a screen down and keeps resolution over frame rate, at every meeting size', () => {
    for (const n of [1, 2, 3, 5, 8, 9, 50]) {
      const p = screenEncodingFor(n);
      expect(p.scaleResolutionDownBy).toBe(1);
      expect(p.degradationPreference).toBe('maintain-resolution');
      expect(p.maxFramerate).toBeGreaterThanOrEqual(5);
      expect(p.maxFramerate).toBeLessThanOrEqual(15);
    }
  });

  it('gives text more bits than the camera gets at the same size, and shrinks as the mesh grows', () => {
    let last = Infinity;
    for (const n of [2, 3, 4, 5, 8, 9, 20]) {
      const p = screenEncodingFor(n);
      expect(p.maxBitrate).toBeGreaterThan(videoEncodingFor(n).maxBitrate);
      expect(p.maxBitrate).toBeLessThanOrEqual(last);
      last = p.maxBitrate;
    }
    expect(screenEncodingFor(1000)).toMatchObject({ maxBitrate: SCREEN_TIERS.at(-1)!.maxBitrate });
  });

  it('knows when encodings already match (so it does not reconfigure the encoder for nothing)', () => {
    const p = screenEncodingFor(2);
    expect(screenEncodingsMatch([{ maxBitrate: p.maxBitrate, maxFramerate: p.maxFramerate, scaleResolutionDownBy: 1 }], p)).toBe(true);
    expect(screenEncodingsMatch([{ maxBitrate: p.maxBitrate, maxFramerate: p.maxFramerate, scaleResolutionDownBy: 2 }], p)).toBe(false);
    expect(screenEncodingsMatch([{ maxBitrate: 1, maxFramerate: p.maxFramerate, scaleResolutionDownBy: 1 }], p)).toBe(false);
    expect(screenEncodingsMatch([], p)).toBe(false);
  });
});

describe('remote tracks', () => {
  it('are a screen only on the stream the verified description claimed', () => {
    expect(remoteTrackRole('scr', 'scr', 'cam')).toBe('screen');
    expect(remoteTrackRole('scr', 'scr', undefined)).toBe('screen'); // the screen may arrive first (joined while sharing)
    expect(remoteTrackRole('cam', 'scr', 'cam')).toBe('camera');
    expect(remoteTrackRole('cam', null, undefined)).toBe('camera'); // the first stream is the camera's
  });

  it('never let another stream replace the camera, claimed or not', () => {
    expect(remoteTrackRole('other', 'scr', 'cam')).toBe('ignore');
    expect(remoteTrackRole('scr', null, 'cam')).toBe('ignore'); // a screen whose claim was withdrawn
  });

  it('take tracks without a stream label as the camera (a peer who had no camera stream)', () => {
    expect(remoteTrackRole(undefined, 'scr', 'cam')).toBe('camera');
    expect(remoteTrackRole(undefined, null, undefined)).toBe('camera');
  });
});

describe('capture', () => {
  it('asks for video with sound where offered, and keeps our own tab out of the choice', () => {
    const o = displayMediaOptions() as DisplayMediaStreamOptions & Record<string, unknown>;
    expect(o.audio).toBe(true);
    expect(o.video).toMatchObject({ width: { max: 1920 }, height: { max: 1080 }, frameRate: { ideal: 15 } });
    expect(o.selfBrowserSurface).toBe('exclude');
  });

  it('marks the video as detail and leaves the sound alone', () => {
    const video = { kind: 'video', contentHint: '' };
    const audio = { kind: 'audio', contentHint: '' };
    const stream = { getVideoTracks: () => [video] } as unknown as MediaStream;
    expect(prepareScreenStream(stream)).toBe(stream);
    expect(video.contentHint).toBe('detail');
    expect(audio.contentHint).toBe('');
  });
});
