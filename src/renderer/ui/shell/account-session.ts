/**
 * The account session the shell holds: picked up at start from earlier in
 * this tab (web) or from the keychain (desktop), kept through the platform
 * when the person signs in or out, and the platform's standing notice (which
 * can change once the keychain has been asked).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AccountClient } from '../../engine/account-client.js';
import type { Platform } from '../../platform/index.js';
import type { SignedIn } from '../session.js';

export interface AccountSession {
  session: SignedIn | null;
  onSignedIn: (s: SignedIn | null) => Promise<void>;
  /** A standing notice from the platform (desktop: no keychain; an invite for another server). */
  notice: string | null;
  setNotice: (notice: string | null) => void;
  /**
   * Resolves once the session kept from before has been looked for (and
   * resumed, if there was one): a "New meeting" from the tray as the app opens
   * waits for it instead of calling a signed-in person signed out. Gives who
   * is signed in then (newer than `session` until the next render).
   */
  settled: () => Promise<SignedIn | null>;
}

export function useAccountSession(platform: Platform, serverUrl: string, accounts: AccountClient): AccountSession {
  const [session, setSessionState] = useState<SignedIn | null>(null);
  // The same, as of now rather than as of the last render.
  const latest = useRef<SignedIn | null>(null);
  const setSession = useCallback((s: SignedIn | null) => {
    latest.current = s;
    setSessionState(s);
  }, []);
  const [notice, setNotice] = useState<string | null>(() => platform.notice?.() ?? null);
  const [startup] = useState(() => {
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve: () => resolve() };
  });

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const token = await platform.getSessionToken(serverUrl);
        if (!cancelled) setNotice(platform.notice?.() ?? null);
        if (token === null) return;
        const s = await accounts.resumeSession(token);
        if (!cancelled) setSession({ username: s.username, token });
      } catch (err) {
        if ((err as { code?: string }).code === 'session_expired') await platform.clearSessionToken(serverUrl);
        else console.warn('meriMeet: the session kept from before could not be resumed', err);
      } finally {
        startup.resolve();
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [platform, serverUrl, accounts, setSession, startup]);

  const onSignedIn = useCallback(
    async (s: SignedIn | null) => {
      if (s === null) await platform.clearSessionToken(serverUrl);
      else await platform.setSessionToken(serverUrl, s.token);
      setNotice(platform.notice?.() ?? null);
      setSession(s);
    },
    [platform, serverUrl, setSession],
  );

  const settled = useCallback(() => startup.promise.then(() => latest.current), [startup]);
  return { session, onSignedIn, notice, setNotice, settled };
}
