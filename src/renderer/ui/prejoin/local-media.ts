/** Getting the camera and microphone for the pre-join screen, with clear messages when it fails. */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Acquired {
  stream: MediaStream | null;
  /** A sentence for people when something could not be opened; null when all went well. */
  problem: string | null;
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

function constraints(kind: 'video' | 'audio', deviceId: string, exact: boolean): MediaTrackConstraints | boolean {
  const base = kind === 'video' ? VIDEO : { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  if (deviceId === '') return base;
  return { ...base, deviceId: exact ? { exact: deviceId } : { ideal: deviceId } };
}

function errorName(err: unknown): string {
  return err instanceof DOMException || err instanceof Error ? err.name : '';
}

/** Tries camera+microphone, then each alone, so a missing camera does not cost the microphone. */
export async function acquireMedia(cameraId: string, micId: string): Promise<Acquired> {
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

/**
 * The pre-join stream for the chosen devices. Reopens on a device change and
 * stops the old tracks; stops everything on unmount unless `handOver()` was
 * called (the stream then belongs to the call).
 */
export function useLocalMedia(cameraId: string, micId: string): { media: Acquired | null; handOver: () => MediaStream | null } {
  const [media, setMedia] = useState<Acquired | null>(null);
  const current = useRef<MediaStream | null>(null);
  const handedOver = useRef(false);
  useEffect(() => {
    let cancelled = false;
    void acquireMedia(cameraId, micId).then((got) => {
      if (cancelled) return stopStream(got.stream);
      stopStream(current.current);
      current.current = got.stream;
      setMedia(got);
    });
    return () => {
      cancelled = true;
    };
  }, [cameraId, micId]);
  useEffect(
    () => () => {
      if (!handedOver.current) stopStream(current.current);
    },
    [],
  );
  return {
    media,
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
