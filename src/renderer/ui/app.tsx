/**
 * The app shell: holds the route (home → pre-join → meeting → left), the
 * account session, the meeting keys being derived, and the call in progress.
 * Screens are plain components that get what they need as props.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { MeetingKeys } from '../../common/crypto/meeting-keys.js';
import { meetingKeysFor } from './prejoin/key-derivation.js';
import { createAccountClient, type AccountClient } from '../engine/account-client.js';
import { clearActiveCall, loadActiveCall, saveActiveCall, type ActiveCall } from './active-call.js';
import type { CallEngine, EndReason } from '../engine/call-state.js';
import type { Platform } from '../platform/index.js';
import { callNotifications, trayCallState } from './desktop-sync.js';
import { HomeScreen } from './home/home-screen.js';
import { LeftScreen } from './left-screen.js';
import { MeetingScreen } from './meeting/meeting-screen.js';
import { loadPreferences, savePreferences, type Preferences } from './preferences.js';
import { PreJoinScreen, type JoinChoice } from './prejoin/prejoin-screen.js';
import { routeFromHash, stripPasswordFromAddressBar, type MeetingTarget, type Route } from './routes.js';
import type { SignedIn } from './session.js';

/** The engine is the heaviest module; fetch it while the user is on pre-join, not on first paint. */
let engineModule: Promise<typeof import('../engine/call-engine.js')> | null = null;
export function loadEngine(): Promise<typeof import('../engine/call-engine.js')> {
  engineModule ??= import('../engine/call-engine.js');
  return engineModule;
}

/** The call this tab was in before a reload, unless the address bar now asks for another meeting. */
function callToRejoin(route: Route): ActiveCall | null {
  const active = loadActiveCall();
  if (!active) return null;
  const asked = route.name === 'home' ? route.prefillId : route.meetingId;
  if (asked !== undefined && asked !== active.meetingId) {
    clearActiveCall();
    return null;
  }
  return active;
}

function initialRoute(): { route: Route; rejoin: ActiveCall | null } {
  const fromHash = routeFromHash(location.hash);
  if (location.hash !== '') stripPasswordFromAddressBar(fromHash.name === 'home' ? fromHash.prefillId : fromHash.meetingId);
  const rejoin = callToRejoin(fromHash);
  if (!rejoin) return { route: fromHash, rejoin: null };
  return { route: { name: 'prejoin', meetingId: rejoin.meetingId, password: rejoin.password }, rejoin };
}

/** The `https://host` invites point at: where the signaling server (which serves the web client) lives. */
export function inviteOrigin(serverUrl: string): string {
  try {
    const url = new URL(serverUrl);
    return `${url.protocol === 'ws:' ? 'http:' : 'https:'}//${url.host}`;
  } catch {
    return location.origin;
  }
}

interface Call {
  engine: CallEngine;
  stream: MediaStream | null;
}

function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

export function App({ platform }: { platform: Platform }) {
  const serverUrl = useMemo(() => platform.serverUrl(), [platform]);
  const accounts: AccountClient = useMemo(() => createAccountClient({ serverUrl }), [serverUrl]);
  const [initial] = useState(initialRoute);
  const [route, setRoute] = useState<Route>(initial.route);
  /** Set after a reload mid-call: pre-join joins by itself, once. */
  const [rejoin, setRejoin] = useState<ActiveCall | null>(initial.rejoin);
  const [session, setSession] = useState<SignedIn | null>(null);
  const [prefs, setPrefs] = useState<Preferences>(loadPreferences);
  const [call, setCall] = useState<Call | null>(null);
  const [joinError, setJoinError] = useState<string | null>(null);
  const firstScreen = useRef(true);
  /** A standing notice from the platform (desktop: no keychain; an invite for another server). */
  const [notice, setNotice] = useState<string | null>(() => platform.notice?.() ?? null);
  /** Call controls from outside the page (tray, global shortcut), handed to the meeting screen. */
  const controlListeners = useRef(new Set<(control: 'mic' | 'camera' | 'leave') => void>());
  const subscribeControls = useCallback((listener: (control: 'mic' | 'camera' | 'leave') => void) => {
    controlListeners.current.add(listener);
    return () => void controlListeners.current.delete(listener);
  }, []);

  // An invite pasted into the address bar of an open tab.
  useEffect(() => {
    const onHash = () => {
      const next = routeFromHash(location.hash);
      if (next.name !== 'prejoin') return;
      stripPasswordFromAddressBar(next.meetingId);
      setRoute((current) => (current.name === 'meeting' ? current : next));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Pick up a session kept from earlier in this tab (web) or in the keychain (desktop).
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const token = await platform.getSessionToken(serverUrl);
      if (!cancelled) setNotice(platform.notice?.() ?? null);
      if (token === null) return;
      try {
        const s = await accounts.resumeSession(token);
        if (!cancelled) setSession({ username: s.username, token });
      } catch (err) {
        if ((err as { code?: string }).code === 'session_expired') await platform.clearSessionToken(serverUrl);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [platform, serverUrl, accounts]);

  // Key derivation is slow on purpose (PBKDF2, 600,000 iterations): start it as
  // soon as the id and password are known, keep the last result for Rejoin.
  const keysCache = useRef<{ id: string; promise: Promise<MeetingKeys> } | null>(null);
  const getKeys = useCallback((target: MeetingTarget): Promise<MeetingKeys> => {
    const id = `${target.meetingId}\n${target.password}`;
    if (keysCache.current?.id !== id) {
      const promise = meetingKeysFor(target.password, target.meetingId);
      promise.catch(() => {
        if (keysCache.current?.promise === promise) keysCache.current = null;
      });
      keysCache.current = { id, promise };
    }
    return keysCache.current.promise;
  }, []);

  // The engine for the next call, made while the person is on pre-join so its
  // connection to the server is already open when they click Join.
  const prepared = useRef<CallEngine | null>(null);
  const prepareEngine = useCallback(() => {
    void loadEngine().then(
      ({ createCallEngine }) => {
        prepared.current ??= createCallEngine();
        prepared.current.preconnect(serverUrl);
      },
      () => undefined, // join() reports it if it still fails then
    );
  }, [serverUrl]);
  const dropPreparedEngine = useCallback(() => {
    void prepared.current?.leave();
    prepared.current = null;
  }, []);

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

  const onSignedIn = useCallback(
    async (s: SignedIn | null) => {
      if (s === null) await platform.clearSessionToken(serverUrl);
      else await platform.setSessionToken(serverUrl, s.token);
      setNotice(platform.notice?.() ?? null);
      setSession(s);
    },
    [platform, serverUrl],
  );

  const join = useCallback(
    async ({ meetingId, password }: MeetingTarget, choice: JoinChoice) => {
      // Only these two: a Route passed in here must not carry its name along.
      const target: MeetingTarget = { meetingId, password };
      setJoinError(null);
      updatePrefs({ displayName: choice.displayName, cameraId: choice.cameraId, micId: choice.micId, sinkId: choice.sinkId, relayOnly: choice.relayOnly });
      let engine: CallEngine;
      try {
        const { createCallEngine } = await loadEngine();
        engine = prepared.current ?? createCallEngine();
        prepared.current = null;
      } catch {
        stopStream(choice.stream);
        setJoinError('The meeting could not start. Check your connection and try again.');
        go({ name: 'meeting', ...target });
        return;
      }
      setCall({ engine, stream: choice.stream });
      setRejoin(null);
      saveActiveCall({ ...target, displayName: choice.displayName, muted: choice.muted, videoOff: choice.videoOff });
      go({ name: 'meeting', ...target });
      try {
        const keys = await getKeys(target);
        await engine.join({
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
        // Admitted with this password: worth remembering (desktop: recent meetings, password in the keychain).
        platform.rememberMeeting?.(target.meetingId, null, target.password);
      } catch (err) {
        // The engine reports refusals in its state (phase 'failed'); anything else lands here.
        if (engine.getState().phase !== 'failed') {
          setJoinError(err instanceof Error && err.message ? err.message : 'Could not join the meeting.');
        }
      }
    },
    [getKeys, go, serverUrl, session, updatePrefs, platform],
  );

  // Set while the page goes away: the call ending then is the reload's doing, and
  // the record must survive it.
  const pageHiding = useRef(false);
  const endCall = useCallback(() => {
    if (!pageHiding.current) clearActiveCall();
    setCall((current) => {
      if (current) {
        const phase = current.engine.getState().phase;
        if (phase !== 'ended' && phase !== 'failed' && phase !== 'idle') void current.engine.leave().catch(() => undefined);
        stopStream(current.stream);
        // A camera turned on during a call that started without any media lives only in the engine's stream.
        stopStream(current.engine.getState().local.stream);
      }
      return null;
    });
    setJoinError(null);
  }, []);

  // Closing or reloading the tab mid-call: say goodbye so the others see it at
  // once (a reload then comes back as a new participant, see active-call.ts).
  useEffect(() => {
    if (!call) return;
    const onHide = () => {
      pageHiding.current = true;
      void call.engine.leave().catch(() => undefined);
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

  // Commands from outside the page (desktop tray, global shortcut, merimeet:// links).
  const routeName = route.name;
  useEffect(() => {
    if (!platform.onCommand) return;
    return platform.onCommand((command) => {
      switch (command.kind) {
        case 'mic':
        case 'camera':
        case 'leave':
          for (const listener of controlListeners.current) listener(command.kind);
          return;
        case 'new-meeting':
        case 'join-meeting':
          if (routeName !== 'meeting') go({ name: 'home' });
          return;
        case 'open-meeting':
          if (routeName === 'meeting') return; // never drop a call for a link
          if (command.server !== null && command.server !== serverUrl) {
            setNotice(`That invite is for another server (${command.server}); this app uses ${serverUrl}. Add that server first.`);
            go({ name: 'home' });
            return;
          }
          go(
            command.password === null
              ? { name: 'home', prefillId: command.meetingId }
              : { name: 'prejoin', meetingId: command.meetingId, password: command.password },
          );
      }
    });
  }, [platform, routeName, serverUrl, go]);

  // The call as the tray shows it, and notifications while the window is hidden.
  useEffect(() => {
    if (!call) {
      platform.reportCallState?.(trayCallState(null));
      return;
    }
    let previous = call.engine.getState();
    let reported = JSON.stringify(trayCallState(previous));
    platform.reportCallState?.(trayCallState(previous));
    return call.engine.subscribe((st) => {
      const before = previous;
      previous = st;
      const tray = trayCallState(st);
      if (JSON.stringify(tray) !== reported) {
        reported = JSON.stringify(tray);
        platform.reportCallState?.(tray);
      }
      // The platform decides whether the person can see the window (desktop: main asks the real
      // window; the page cannot tell when it runs hidden in the tray with throttling off).
      if (platform.notify) for (const n of callNotifications(before, st)) platform.notify(n.title, n.body, n.kind);
    });
  }, [call, platform]);

  const focusHeading = !firstScreen.current;

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
          focusHeading={focusHeading}
          onContinue={({ meetingId, password }) => go({ name: 'prejoin', meetingId, password })}
          />
        </>
      );
    case 'prejoin':
      return (
        <PreJoinScreen
          key={`${route.meetingId}\n${route.password}`}
          meetingId={route.meetingId}
          keys={getKeys(route)}
          prefs={prefs}
          defaultName={prefs.displayName || session?.username || ''}
          focusHeading={focusHeading}
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
