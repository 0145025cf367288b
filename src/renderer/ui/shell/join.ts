/**
 * Joining a meeting from pre-join: remembers the choices as preferences,
 * takes the engine made ahead (or makes one), records the call for a reload,
 * moves to the meeting screen at once and then joins with the derived keys.
 * A refusal shows in the engine's state; anything else becomes `joinError`.
 */
import { useCallback } from 'preact/hooks';
import type { MeetingKeys } from '../../../common/crypto/meeting-keys.js';
import type { CallEngine } from '../../engine/call-state.js';
import type { Platform } from '../../platform/index.js';
import { saveActiveCall } from '../active-call.js';
import type { Preferences } from '../preferences.js';
import type { JoinChoice } from '../prejoin/prejoin-screen.js';
import type { MeetingTarget, Route } from '../routes.js';
import type { SignedIn } from '../session.js';
import { stopStream, type Call } from './call-lifetime.js';
import type { MeetingKeysCache } from './meeting-keys.js';
import { loadEngine } from './prepared-engine.js';

interface JoinOptions {
  platform: Platform;
  serverUrl: string;
  session: SignedIn | null;
  prepared: { current: CallEngine | null };
  getKeys: MeetingKeysCache;
  go: (route: Route) => void;
  updatePrefs: (patch: Partial<Preferences>) => void;
  startCall: (call: Call) => void;
  /** The pre-join screen's record of a reload is used up once joined. */
  clearRejoin: () => void;
  setJoinError: (error: string | null) => void;
}

export function useJoin(o: JoinOptions): (target: MeetingTarget, choice: JoinChoice) => Promise<void> {
  const { platform, serverUrl, session, prepared, getKeys, go, updatePrefs, startCall, clearRejoin, setJoinError } = o;
  return useCallback(
    async ({ meetingId, password }: MeetingTarget, choice: JoinChoice) => {
      // Only these two: a Route passed in here must not carry its name along.
      const target: MeetingTarget = { meetingId, password };
      let engine: CallEngine;
      try {
        // Prepared on pre-join (its socket is open); loaded here only if pre-join could not.
        engine = prepared.current ?? (await loadEngine()).createCallEngine();
        prepared.current = null;
      } catch (err) {
        console.error('meriMeet: the call engine could not be loaded', err);
        stopStream(choice.stream);
        setJoinError('The meeting could not start. Check your connection and try again.');
        go({ name: 'meeting', ...target });
        return;
      }
      const options = (keys: MeetingKeys) => ({
        serverUrl,
        meetingId: target.meetingId,
        keys,
        displayName: choice.displayName,
        stream: choice.stream,
        muted: choice.muted,
        videoOff: choice.videoOff,
        relayOnly: choice.relayOnly,
        ...(session ? { sessionToken: session.token } : {}),
      });
      // The join starts before anything re-renders: its request is on the way while the
      // meeting screen draws (drawing it first cost ~50 ms before the request left; call bench trace).
      const ready = getKeys.now(target);
      const joined = ready ? engine.join(options(ready)) : getKeys(target).then((keys) => engine.join(options(keys)));
      setJoinError(null);
      updatePrefs({ displayName: choice.displayName, cameraId: choice.cameraId, micId: choice.micId, sinkId: choice.sinkId, relayOnly: choice.relayOnly });
      startCall({ engine, stream: choice.stream });
      clearRejoin();
      saveActiveCall({ ...target, displayName: choice.displayName, muted: choice.muted, videoOff: choice.videoOff });
      go({ name: 'meeting', ...target });
      try {
        await joined;
        // Admitted with this password: worth remembering (desktop: recent meetings, password in the keychain).
        platform.rememberMeeting?.(target.meetingId, null, target.password);
      } catch (err) {
        // The engine reports refusals in its state (phase 'failed'); anything else lands here.
        if (engine.getState().phase !== 'failed') {
          setJoinError(err instanceof Error && err.message ? err.message : 'Could not join the meeting.');
        }
      }
    },
    [getKeys, go, serverUrl, session, updatePrefs, platform, prepared, startCall, clearRejoin, setJoinError],
  );
}
