/**
 * Pre-join's left half: the heading, the camera preview (or why there is
 * none), the microphone level, and what went wrong with the camera.
 */
import { CAMERA_LOST } from '../messages.js';
import { LevelMeter } from './level-meter.js';

interface PreviewPaneProps {
  heading: { current: HTMLHeadingElement | null };
  preview: { current: HTMLVideoElement | null };
  meetingId: string;
  stream: MediaStream | null;
  videoTrack: MediaStreamTrack | undefined;
  videoOff: boolean;
  cameraLost: boolean;
  /** Why the camera or microphone could not be opened as asked (local-media.ts). */
  problem: string | null | undefined;
}

export function PreviewPane({ heading, preview, meetingId, stream, videoTrack, videoOff, cameraLost, problem }: PreviewPaneProps) {
  return (
    <div class="prejoin-preview">
      <h1 id="prejoin-title" ref={heading} tabIndex={-1}>
        Ready to join?
      </h1>
      <p class="hint">
        Meeting <span class="mono">{meetingId}</span>
      </p>
      <div class={`preview${videoOff || !videoTrack ? ' preview-off' : ''}`}>
        <video ref={preview} aria-label="Your camera preview" autoPlay playsInline muted />
        {videoOff || !videoTrack ? (
          <p class="preview-note" aria-hidden="true">
            {videoTrack ? 'Camera is off' : 'No camera'}
          </p>
        ) : null}
      </div>
      <LevelMeter stream={stream} />
      {cameraLost ? (
        <p role="alert" class="alert">
          {CAMERA_LOST}
        </p>
      ) : null}
      {problem ? <p class="notice">{problem}</p> : null}
    </div>
  );
}
