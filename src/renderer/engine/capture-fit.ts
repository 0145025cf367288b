/**
 * The camera is captured at the size actually sent. In a mesh every copy of
 * the camera goes through an encoder of its own, and each encoder scaled a
 * 720p capture down to the meeting's size by itself: measured at 4 people
 * (issue 17), only 11–13 of the 20 captured frames per second reached the
 * encoders. Captured at the policy's height, the picture is scaled once, by
 * the capture pipeline, for every copy, and each encoder takes it as it is
 * (scaleResolutionDownBy 1).
 *
 * Growing the meeting lowers the capture; shrinking it raises it again. Only
 * the camera is fitted: a shared screen keeps its own size (screen-share.ts).
 */
import { videoEncodingFor } from './bitrate-policy.js';

/** The shape of the picture we ask the camera for: 16:9, like the tiles. */
const ASPECT = 16 / 9;

/** What to ask the camera for in a meeting of `participants` people. */
export function captureConstraintsFor(participants: number): MediaTrackConstraints {
  const policy = videoEncodingFor(participants);
  const height = policy.targetHeight;
  return { width: { ideal: Math.round((height * ASPECT) / 2) * 2 }, height: { ideal: height }, frameRate: { ideal: policy.maxFramerate } };
}

function idealOf(c: MediaTrackConstraints['height']): number | undefined {
  return typeof c === 'object' && c !== null && 'ideal' in c && typeof c.ideal === 'number' ? c.ideal : undefined;
}

/**
 * Asks the camera for the size a meeting of `participants` sends. Resolves
 * once the track has its new size (or at once when it already asked for
 * it). A camera that refuses keeps its size, and the encoders scale as
 * before: the call goes on either way, so the refusal is only reported.
 */
export async function fitCaptureToMeeting(track: MediaStreamTrack, participants: number): Promise<void> {
  const wanted = captureConstraintsFor(participants);
  const current = track.getConstraints();
  if (idealOf(current.height) === idealOf(wanted.height) && idealOf(current.frameRate) === idealOf(wanted.frameRate)) return;
  // applyConstraints replaces every constraint, so the device the person chose is kept explicitly.
  await track.applyConstraints(current.deviceId === undefined ? wanted : { ...wanted, deviceId: current.deviceId });
}
