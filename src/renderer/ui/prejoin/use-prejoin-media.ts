/**
 * Pre-join's media with its noise suppression choice: the devices open with
 * the remembered choice, the checkbox switches the microphone's audio graph
 * in place, and `failed` says when suppression was asked for and could not
 * start (the raw microphone is then what is sent).
 */
import { useEffect, useState } from 'preact/hooks';
import { useLocalMedia } from './local-media.js';

export function usePreJoinMedia(cameraId: string, micId: string, initialSuppression: boolean) {
  const [on, setOn] = useState(initialSuppression);
  const [failed, setFailed] = useState(false);
  const { media, handOver, setSuppression } = useLocalMedia(cameraId, micId, on);
  useEffect(() => setFailed(media?.suppressionFailed ?? false), [media]);
  const toggle = (next: boolean) => {
    setOn(next);
    void setSuppression(next).then((ok) => setFailed(!ok));
  };
  return { media, handOver, suppression: { on, failed, toggle } };
}
