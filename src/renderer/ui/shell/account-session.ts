/**
 * The account session the shell holds: picked up at start from earlier in
 * this tab (web) or from the keychain (desktop), kept through the platform
 * when the person signs in or out, and the platform's standing notice (which
 * can change once the keychain has been asked).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AccountClient } from '../../engine/account-client.js';
import type { Platform } from '../../platform/index.js';
import type { SignedIn } from '../session.js';

export interface AccountSession {
  session: SignedIn | null;
  onSignedIn: (s: SignedIn | null) => Promise<void>;
  /** A standing notice from the platform (desktop: no keychain; an invite for another server). */
  notice: string | null;
  setNotice: (notice: string | null) => void;
}

export function useAccountSession(platform: Platform, serverUrl: string, accounts: AccountClient): AccountSession {
  const [session, setSession] = useState<SignedIn | null>(null);
  const [notice, setNotice] = useState<string | null>(() => platform.notice?.() ?? null);

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

  const onSignedIn = useCallback(
    async (s: SignedIn | null) => {
      if (s === null) await platform.clearSessionToken(serverUrl);
      else await platform.setSessionToken(serverUrl, s.token);
      setNotice(platform.notice?.() ?? null);
      setSession(s);
    },
    [platform, serverUrl],
  );

  return { session, onSignedIn, notice, setNotice };
}
