import { describe, expect, it, vi } from 'vitest';
import { captureConstraintsFor, fitCaptureToMeeting } from './capture-fit.js';
import { TIERS } from './bitrate-policy.js';

function cameraTrack(constraints: MediaTrackConstraints) {
  const track = {
    constraints,
    getConstraints: () => track.constraints,
    applyConstraints: vi.fn(async (c: MediaTrackConstraints) => {
      track.constraints = c;
    }),
  };
  return track;
}

describe('capture-fit: the camera is captured at the size the meeting sends', () => {
  it('asks for each tier’s height at 16:9 and its frame rate', () => {
    expect(captureConstraintsFor(2)).toEqual({ width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } });
    expect(captureConstraintsFor(4)).toEqual({ width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } });
    expect(captureConstraintsFor(8)).toEqual({ width: { ideal: 426 }, height: { ideal: 240 }, frameRate: { ideal: 24 } });
    expect(captureConstraintsFor(9).height).toEqual({ ideal: TIERS[TIERS.length - 1]!.targetHeight });
  });

  it('a growing meeting lowers the capture and keeps the chosen camera', async () => {
    const track = cameraTrack({ width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 }, deviceId: { exact: 'cam-2' } });
    await fitCaptureToMeeting(track as unknown as MediaStreamTrack, 3);
    expect(track.applyConstraints).toHaveBeenCalledWith({ width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 }, deviceId: { exact: 'cam-2' } });
  });

  it('a meeting that shrinks back raises it again', async () => {
    const track = cameraTrack({ height: { ideal: 360 }, frameRate: { ideal: 30 } });
    await fitCaptureToMeeting(track as unknown as MediaStreamTrack, 2);
    expect(track.applyConstraints).toHaveBeenCalledWith({ width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } });
  });

  it('does not touch a camera already asked for this size (reconfiguring costs frames)', async () => {
    const track = cameraTrack({ width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } });
    await fitCaptureToMeeting(track as unknown as MediaStreamTrack, 4);
    expect(track.applyConstraints).not.toHaveBeenCalled();
  });

  it('a camera that refuses rejects, so the caller can report it', async () => {
    const track = cameraTrack({ height: { ideal: 720 } });
    track.applyConstraints.mockRejectedValueOnce(new DOMException('no', 'OverconstrainedError'));
    await expect(fitCaptureToMeeting(track as unknown as MediaStreamTrack, 4)).rejects.toThrow('no');
  });
});
