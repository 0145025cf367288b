/**
 * The camera during a call: noticing that it stopped (unplugged, taken by
 * another app), and turning it on again, opened with the pre-join screen's
 * fallbacks (prejoin/local-media.ts, acquireCamera) and handed to the call.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CallEngine } from '../../engine/call-state.js';
import { useCallSelector } from '../hooks.js';
import { acquireCamera } from '../prejoin/local-media.js';
import { selectLocalVideoTrack } from './call-selectors.js';

/** The alert when turning the camera on failed (docs/ui-contract.md). */
export const CAMERA_FAILED = 'Your camera could not be started.';

export interface Camera {
  /** The call's camera track ended by itself. */
  lost: boolean;
  clearLost: () => void;
  /** Turns the camera on: the current track if it is live, else a fresh one. Resolves false when none could be opened. */
  turnOn: () => Promise<boolean>;
}

export function useCamera(engine: CallEngine, cameraId: string): Camera {
  const [lost, setLost] = useState(false);
  const track = useCallSelector(engine, selectLocalVideoTrack);
  useEffect(() => {
    if (!track) return;
    const onEnded = () => {
      setLost(true);
      // The call goes on: others see the avatar instead of a frozen frame.
      engine.setVideoOff(true);
    };
    if (track.readyState === 'ended') onEnded();
    track.addEventListener('ended', onEnded);
    return () => track.removeEventListener('ended', onEnded);
  }, [track, engine]);
  const clearLost = useCallback(() => setLost(false), []);

  const turnOn = useCallback(async () => {
    const current = selectLocalVideoTrack(engine.getState());
    if (current && current.readyState === 'live') {
      engine.setVideoOff(false);
      return true;
    }
    // No camera, or it stopped: open one now and hand it to the call.
    let fresh: MediaStreamTrack;
    try {
      fresh = await acquireCamera(cameraId);
    } catch (err) {
      console.warn('meriMeet: no camera could be opened', err);
      return false;
    }
    try {
      await engine.replaceTrack(fresh);
    } catch (err) {
      fresh.stop();
      console.warn('meriMeet: the call did not take the new camera', err);
      return false;
    }
    engine.setVideoOff(false);
    setLost(false);
    return true;
  }, [engine, cameraId]);

  return { lost, clearLost, turnOn };
}
