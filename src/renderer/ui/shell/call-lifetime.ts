/**
 * The call in progress, from Join to the end: what a reload needs is kept in
 * step with it (active-call.ts), closing or reloading the tab says goodbye,
 * and ending it stops the engine and every camera and microphone track.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { CallEngine } from '../../engine/call-state.js';
import { clearActiveCall, saveActiveCall } from '../active-call.js';
import type { Route } from '../routes.js';
import { reportAs } from '../../engine/failures.js';

export interface Call {
  engine: CallEngine;
  stream: MediaStream | null;
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

export interface CallLifetime {
  call: Call | null;
  startCall: (call: Call) => void;
  /** Leaves (unless the engine already ended), stops the media, forgets the call unless the page is going away. */
  endCall: () => void;
}

export function useCallLifetime(route: Route, setJoinError: (error: string | null) => void): CallLifetime {
  const [call, setCall] = useState<Call | null>(null);
  // Set while the page goes away: the call ending then is the reload's doing, and
  // the record must survive it.
  const pageHiding = useRef(false);
  const endCall = useCallback(() => {
    if (!pageHiding.current) clearActiveCall();
    setCall((current) => {
      if (current) {
        const phase = current.engine.getState().phase;
        if (phase !== 'ended' && phase !== 'failed' && phase !== 'idle') void current.engine.leave().catch(reportAs('leaving the meeting'));
        stopStream(current.stream);
        // A camera turned on during a call that started without any media lives only in the engine's stream.
        stopStream(current.engine.getState().local.stream);
      }
      return null;
    });
    setJoinError(null);
  }, [setJoinError]);

  // Closing or reloading the tab mid-call: say goodbye so the others see it at
  // once (a reload then comes back as a new participant, see active-call.ts).
  useEffect(() => {
    if (!call) return;
    const onHide = () => {
      pageHiding.current = true;
      void call.engine.leave().catch(reportAs('leaving as the page goes away'));
    };
    const onShow = () => (pageHiding.current = false);
    window.addEventListener('pagehide', onHide);
    window.addEventListener('pageshow', onShow);
    return () => {
      window.removeEventListener('pagehide', onHide);
      window.removeEventListener('pageshow', onShow);
    };
  }, [call]);

  // Keep what a reload needs in step with the call: name and mute state as they are now.
  useEffect(() => {
    if (!call) return;
    let last = '';
    return call.engine.subscribe((st) => {
      if (st.phase === 'ended' || st.phase === 'failed' || st.meetingId === null) return;
      const password = route.name === 'meeting' ? route.password : null;
      const record = { meetingId: st.meetingId, displayName: st.local.displayName, muted: st.local.muted, videoOff: st.local.videoOff };
      const key = JSON.stringify(record);
      if (password === null || key === last) return;
      last = key;
      saveActiveCall({ ...record, password });
    });
  }, [call, route]);

  return { call, startCall: setCall, endCall };
}
