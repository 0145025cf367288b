/**
 * Getting the camera and microphone for the pre-join screen, with clear
 * messages when it fails, and the microphone put through noise suppression
 * (engine/audio/microphone-processing.ts) before anything is sent.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MicrophoneProcessing } from '../../engine/audio/microphone-processing.js';
import { reportFailure } from '../../engine/failures.js';

export interface Acquired {
  /** The camera and the microphone as it is sent (processed when suppression runs). */
  stream: MediaStream | null;
  /** A sentence for people when something could not be opened; null when all went well. */
  problem: string | null;
  /** The microphone's audio graph; it owns the raw microphone track. Null without a microphone or without processing. */
  microphone: MicrophoneProcessing | null;
  /** Suppression was asked for and could not start: the raw microphone is sent. */
  suppressionFailed: boolean;
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/**
 * The browser's own microphone processing, each chosen on purpose:
 * - echoCancellation on: RNNoise removes noise, not the others' voices coming
 *   back from the speakers; without it everyone hears themselves.
 * - noiseSuppression off: RNNoise does that job. Two suppressors in a row thin
 *   the voice and add artefacts, and with our suppression turned off a person
 *   is heard as their microphone picks them up (music, an instrument).
 * - autoGainControl on: microphones and distances differ widely; evening the
 *   level out before RNNoise keeps quiet voices above what it treats as noise.
 */
export const MICROPHONE_PROCESSING: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: false, autoGainControl: true };

function constraints(kind: 'video' | 'audio', deviceId: string, exact: boolean): MediaTrackConstraints | boolean {
  const base = kind === 'video' ? VIDEO : MICROPHONE_PROCESSING;
  if (deviceId === '') return base;
  return { ...base, deviceId: exact ? { exact: deviceId } : { ideal: deviceId } };
}

function errorName(err: unknown): string {
  return err instanceof DOMException || err instanceof Error ? err.name : '';
}

type Opened = Pick<Acquired, 'stream' | 'problem'>;

/** Tries camera+microphone, then each alone, so a missing camera does not cost the microphone. */
export async function acquireMedia(cameraId: string, micId: string): Promise<Opened> {
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!md?.getUserMedia) return { stream: null, problem: 'This browser cannot use a camera or microphone here.' };
  const attempts: MediaStreamConstraints[] = [
    { video: constraints('video', cameraId, true), audio: constraints('audio', micId, true) },
    // A remembered device that is gone: take any.
    { video: constraints('video', cameraId, false), audio: constraints('audio', micId, false) },
    { audio: constraints('audio', micId, false) },
    { video: constraints('video', cameraId, false) },
  ];
  let lastError = '';
  for (const attempt of attempts) {
    try {
      const stream = await md.getUserMedia(attempt);
      const problem =
        attempt.video === undefined
          ? 'No camera could be opened. You can join with your microphone only.'
          : attempt.audio === undefined
            ? 'No microphone could be opened. Others will not hear you.'
            : null;
      return { stream, problem };
    } catch (err) {
      lastError = errorName(err);
      if (lastError === 'NotAllowedError' || lastError === 'SecurityError') break;
    }
  }
  if (lastError === 'NotAllowedError' || lastError === 'SecurityError') {
    return { stream: null, problem: 'Camera and microphone are blocked. Allow them in the browser to be seen and heard; you can still join.' };
  }
  if (lastError === 'NotReadableError') {
    return { stream: null, problem: 'Your camera or microphone is in use by another app. Close it, or join without them.' };
  }
  return { stream: null, problem: 'No camera or microphone was found. You can still join to listen and chat.' };
}

/**
 * Opens a camera alone (turning the camera on mid-call, or trying it again
 * after it stopped), with the same fallbacks as the pre-join screen: the
 * chosen device exactly, then as a preference, then any camera. Resolves
 * with its video track; rejects with the last error when none opened (at
 * once when the person or the browser blocked it).
 */
export async function acquireCamera(cameraId: string): Promise<MediaStreamTrack> {
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!md?.getUserMedia) throw new Error('This browser cannot use a camera here.');
  const attempts: MediaTrackConstraints[] = [
    ...(cameraId === '' ? [] : [constraints('video', cameraId, true) as MediaTrackConstraints, constraints('video', cameraId, false) as MediaTrackConstraints]),
    VIDEO,
  ];
  let lastError: unknown = new Error('no camera');
  for (const video of attempts) {
    try {
      const stream = await md.getUserMedia({ video });
      const track = stream.getVideoTracks()[0];
      if (track) return track;
      stopStream(stream);
    } catch (err) {
      lastError = err;
      const name = errorName(err);
      if (name === 'NotAllowedError' || name === 'SecurityError') break;
    }
  }
  throw lastError;
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Stops everything `acquired` holds: the tracks and the microphone's graph with its raw track. */
export function releaseMedia(acquired: Acquired | null): void {
  stopStream(acquired?.stream ?? null);
  acquired?.microphone?.stop();
}

/**
 * Opens the devices and, when `suppression` is not undefined, puts the
 * microphone through the audio graph (on or off as asked): the stream then
 * carries the processed track in place of the raw one.
 */
export async function acquireProcessedMedia(cameraId: string, micId: string, suppression: boolean | undefined): Promise<Acquired> {
  const opened = await acquireMedia(cameraId, micId);
  const raw = opened.stream?.getAudioTracks()[0];
  if (!opened.stream || !raw || suppression === undefined) return { ...opened, microphone: null, suppressionFailed: false };
  let mic: { processing: MicrophoneProcessing; failed: boolean };
  try {
    // Loaded on first use: the worklet's code is not part of the first screen.
    const { processMicrophone } = await import('../../engine/audio/microphone-processing.js');
    mic = await processMicrophone(raw, suppression);
  } catch (err) {
    // The module itself did not load (an old build cached, a network cut): the raw microphone is sent.
    reportFailure('loading the microphone processing', err);
    return { ...opened, microphone: null, suppressionFailed: suppression };
  }
  const stream = new MediaStream([...opened.stream.getVideoTracks(), mic.processing.track]);
  return { stream, problem: opened.problem, microphone: mic.processing, suppressionFailed: mic.failed };
}

/**
 * The pre-join stream for the chosen devices. Reopens on a device change and
 * stops the old tracks; stops everything on unmount unless `handOver()` was
 * called (the stream and the microphone's graph then belong to the call).
 * `suppression` undefined: the raw microphone, unprocessed (the settings'
 * device test); a boolean: noise suppression on or off, switched in place.
 */
export function useLocalMedia(
  cameraId: string,
  micId: string,
  suppression?: boolean,
): { media: Acquired | null; setSuppression: (on: boolean) => Promise<boolean>; handOver: () => Acquired | null } {
  const [media, setMedia] = useState<Acquired | null>(null);
  const current = useRef<Acquired | null>(null);
  const handedOver = useRef(false);
  // Read when the devices open; a later change switches the graph in place (setSuppression).
  const wanted = useRef(suppression);
  wanted.current = suppression;
  useEffect(() => {
    let cancelled = false;
    void acquireProcessedMedia(cameraId, micId, wanted.current).then((got) => {
      if (cancelled) return releaseMedia(got);
      releaseMedia(current.current);
      current.current = got;
      setMedia(got);
    });
    return () => {
      cancelled = true;
    };
  }, [cameraId, micId]);
  useEffect(
    () => () => {
      if (!handedOver.current) releaseMedia(current.current);
    },
    [],
  );
  return {
    media,
    setSuppression: async (on) => {
      const mic = current.current?.microphone;
      if (!mic) return !on;
      return mic.setSuppression(on);
    },
    handOver: () => {
      handedOver.current = true;
      return current.current;
    },
  };
}

/** The machine's cameras, microphones and speakers; labels appear once permission is given. */
export function useDevices(refreshKey: unknown): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    let cancelled = false;
    const refresh = () =>
      void md.enumerateDevices().then(
        (list) => !cancelled && setDevices(list),
        () => undefined,
      );
    refresh();
    md.addEventListener('devicechange', refresh);
    return () => {
      cancelled = true;
      md.removeEventListener('devicechange', refresh);
    };
  }, [refreshKey]);
  return devices;
}
