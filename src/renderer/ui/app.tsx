/**
 * The app shell: holds the route (home → pre-join → meeting → left), the
 * account session, the meeting keys being derived, and the call in progress.
 * Screens are plain components that get what they need as props. Each of the
 * shell's jobs is a hook of its own in shell/.
 */
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { createAccountClient, type AccountClient } from '../engine/account-client.js';
import { clearActiveCall, type ActiveCall } from './active-call.js';
import type { EndReason } from '../engine/call-state.js';
import type { Platform } from '../platform/index.js';
import { HomeScreen } from './home/home-screen.js';
import { LeftScreen } from './left-screen.js';
import { MeetingScreen } from './meeting/meeting-screen.js';
import { loadPreferences, savePreferences, type Preferences } from './preferences.js';
import { PreJoinScreen } from './prejoin/prejoin-screen.js';
import { meetingKeysFor } from './prejoin/key-derivation.js';
import { usePushToTalk } from './push-to-talk.js';
import type { Route } from './routes.js';
import { useAccountSession } from './shell/account-session.js';
import { useCallLifetime } from './shell/call-lifetime.js';
import { initialRoute, useInvitesFromAddressBar } from './shell/initial-route.js';
import { useJoin } from './shell/join.js';
import { useMeetingKeys } from './shell/meeting-keys.js';
import { useNewMeeting } from './shell/new-meeting.js';
import { useOutsideCommands, useTrayAndNotifications } from './shell/outside-commands.js';
import { usePreparedEngine } from './shell/prepared-engine.js';
import { SettingsRoute } from './settings/settings-route.js';

export { loadEngine } from './shell/prepared-engine.js';

/** The `https://host` invites point at: where the signaling server (which serves the web client) lives. */
export function inviteOrigin(serverUrl: string): string {
  try {
    const url = new URL(serverUrl);
    return `${url.protocol === 'ws:' ? 'http:' : 'https:'}//${url.host}`;
  } catch {
    return location.origin;
  }
}

export function App({ platform }: { platform: Platform }) {
  const serverUrl = useMemo(() => platform.serverUrl(), [platform]);
  const accounts: AccountClient = useMemo(() => createAccountClient({ serverUrl, deriveKeys: meetingKeysFor }), [serverUrl]);
  const [initial] = useState(initialRoute);
  const [route, setRoute] = useState<Route>(initial.route);
  /** Set after a reload mid-call: pre-join joins by itself, once. */
  const [rejoin, setRejoin] = useState<ActiveCall | null>(initial.rejoin);
  const clearRejoin = useCallback(() => setRejoin(null), []);
  const [prefs, setPrefs] = useState<Preferences>(() => ({ ...loadPreferences(), ...platform.defaults?.() }));
  const [joinError, setJoinError] = useState<string | null>(null);
  const firstScreen = useRef(true);
  const { session, onSignedIn, notice, setNotice, settled } = useAccountSession(platform, serverUrl, accounts);
  const getKeys = useMeetingKeys();
  const { prepared, prepareEngine, dropPreparedEngine } = usePreparedEngine(serverUrl);
  const { call, startCall, endCall } = useCallLifetime(route, setJoinError);
  useInvitesFromAddressBar(setRoute);

  const go = useCallback((next: Route) => {
    firstScreen.current = false;
    setRoute(next);
  }, []);

  const updatePrefs = useCallback((patch: Partial<Preferences>) => {
    setPrefs((old) => {
      const next = { ...old, ...patch };
      savePreferences(next);
      return next;
    });
  }, []);

  const join = useJoin({ platform, serverUrl, session, prepared, getKeys, go, updatePrefs, startCall, clearRejoin, setJoinError });
  const [callRef, prefsRef, sessionRef] = [useRef(call), useRef(prefs), useRef(session)];
  [callRef.current, prefsRef.current, sessionRef.current] = [call, prefs, session];
  const joinDirectly = useCallback((meetingId: string, password: string) => {
    const displayName = prefsRef.current.displayName || sessionRef.current?.username || '';
    setRejoin({ meetingId, password, displayName, muted: false, videoOff: false, at: Date.now() });
  }, []);
  const newMeeting = useNewMeeting({ accounts, settled, onSession: onSignedIn, go, setNotice, joinDirectly });
  const { subscribeControls, control } = useOutsideCommands({ platform, routeName: route.name, serverUrl, go, setNotice, call: callRef, joinDirectly, newMeeting });
  useTrayAndNotifications(call, platform);
  usePushToTalk(platform, call?.engine ?? null, useCallback(() => control('mic'), [control]));

  switch (route.name) {
    case 'home':
      return (
        <>
          {notice === null ? null : (
            <p class="platform-notice" role="note">
              {notice}
            </p>
          )}
          <HomeScreen
          accounts={accounts}
          session={session}
          onSession={onSignedIn}
          prefillId={route.prefillId}
          inviteOrigin={inviteOrigin(serverUrl)}
          focusHeading={!firstScreen.current}
          onContinue={({ meetingId, password }) => go({ name: 'prejoin', meetingId, password })}
          {...(platform.settings ? { onSettings: () => go({ name: 'settings' }) } : {})}
          />
        </>
      );
    case 'settings':
      return <SettingsRoute platform={platform} focusHeading={!firstScreen.current} onBack={() => go({ name: 'home' })} onPrefs={updatePrefs} />;
    case 'prejoin':
      return (
        <PreJoinScreen
          key={`${route.meetingId}\n${route.password}`}
          meetingId={route.meetingId}
          keys={getKeys(route)}
          prefs={prefs}
          defaultName={prefs.displayName || session?.username || ''}
          focusHeading={!firstScreen.current}
          onPrefetchEngine={prepareEngine}
          rejoin={rejoin?.meetingId === route.meetingId ? rejoin : null}
          onBack={() => {
            dropPreparedEngine();
            setRejoin(null);
            clearActiveCall();
            go({ name: 'home', prefillId: route.meetingId });
          }}
          onJoin={(choice) => void join(route, choice)}
        />
      );
    case 'meeting':
      return (
        <MeetingScreen
          call={call}
          startError={joinError}
          meetingId={route.meetingId}
          sinkId={prefs.sinkId}
          cameraId={prefs.cameraId}
          onNoiseSuppression={(noiseSuppression) => updatePrefs({ noiseSuppression })}
          getDisplayMedia={(options) => platform.getDisplayMedia(options)}
          onEnded={(reason: EndReason | null) => {
            endCall();
            go({ name: 'left', meetingId: route.meetingId, password: route.password, reason });
          }}
          onRetry={() => {
            endCall();
            go({ name: 'prejoin', meetingId: route.meetingId, password: route.password });
          }}
          onHome={() => {
            endCall();
            go({ name: 'home', prefillId: route.meetingId });
          }}
          subscribeControls={subscribeControls}
        />
      );
    case 'left':
      return (
        <LeftScreen
          reason={route.reason}
          onRejoin={() => go({ name: 'prejoin', meetingId: route.meetingId, password: route.password })}
          onHome={() => go({ name: 'home', prefillId: route.meetingId })}
        />
      );
  }
}
