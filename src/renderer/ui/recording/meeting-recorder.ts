/**
 * A local recording: the view (compose-view.ts) at 24 frames a second and
 * the mixed sound (audio-mix.ts), through MediaRecorder to WebM, in this
 * device's memory only. stop() gives the file, with its duration written in
 * (MediaRecorder leaves it out, and players then cannot seek or show the
 * length).
 */
import fixWebmDuration from 'fix-webm-duration';
import { createAudioMix } from './audio-mix.js';
import { drawView, RECORDING_HEIGHT, RECORDING_WIDTH } from './compose-view.js';

/** Frames drawn a second: smooth enough for a meeting, and a software VP8 encoder keeps up on two cores. */
const FPS = 24;
/** A chunk a second: a crash loses at most that much of what was kept. */
const TIMESLICE_MS = 1_000;
const TYPES = ['video/webm;codecs=vp8,opus', 'video/webm'];

export interface RecordingSource {
  /** The element whose videos are drawn (the meeting's video area); null while it is not on screen. */
  area(): Element | null;
  /** Every audio track to mix now. */
  audioTracks(): MediaStreamTrack[];
}

export interface MeetingRecorder {
  /** Stops and gives the WebM file and how long it lasted. */
  stop(): Promise<{ file: Blob; durationMs: number }>;
}

export class RecorderError extends Error {
  constructor(readonly code: 'recorder_unsupported' | 'recorder_failed') {
    super(`recording failed: ${code}`);
    this.name = 'RecorderError';
  }
}

export function startMeetingRecorder(source: RecordingSource): MeetingRecorder {
  const type = TYPES.find((t) => typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(t));
  if (type === undefined) throw new RecorderError('recorder_unsupported');
  const canvas = document.createElement('canvas');
  canvas.width = RECORDING_WIDTH;
  canvas.height = RECORDING_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new RecorderError('recorder_unsupported');
  const mix = createAudioMix();
  // Frames are taken when we ask (requestFrame after each drawing), not when Chromium gets round
  // to painting a canvas that is in no document: that gave 1–2 frames a second on a loaded machine.
  const video = canvas.captureStream(0).getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
  const tick = () => {
    const area = source.area();
    if (area) drawView(ctx, area);
    video.requestFrame();
    mix.sync(source.audioTracks());
  };
  tick();
  const timer = setInterval(tick, 1000 / FPS);
  const recorder = new MediaRecorder(new MediaStream([video, mix.track]), { mimeType: type });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (ev) => {
    if (ev.data.size > 0) chunks.push(ev.data);
  };
  const stopped = new Promise<void>((resolve, reject) => {
    recorder.onstop = () => resolve();
    recorder.onerror = () => reject(new RecorderError('recorder_failed'));
  });
  const startedAt = performance.now();
  recorder.start(TIMESLICE_MS);

  return {
    async stop() {
      const durationMs = Math.round(performance.now() - startedAt);
      clearInterval(timer);
      if (recorder.state !== 'inactive') recorder.stop();
      try {
        await stopped;
      } finally {
        video.stop();
        await mix.close();
      }
      const raw = new Blob(chunks, { type: 'video/webm' });
      const file = await fixWebmDuration(raw, durationMs, { logger: false });
      return { file, durationMs };
    },
  };
}
