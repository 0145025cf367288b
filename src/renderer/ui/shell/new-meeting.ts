/**
 * "New meeting" from outside the page (the tray menu, the quick-join
 * window): signed in, it creates the meeting on the account's server and
 * goes where a join from quick join goes — straight into the call, or to
 * pre-join when the person turned "Quick join goes straight into the call"
 * off. Not signed in, it says so on the home screen (hosting needs an
 * account). Never while a call is on: the caller checks the route.
 */
import { useCallback, useRef } from 'preact/hooks';
import type { AccountClient } from '../../engine/account-client.js';
import { accountError, NEW_MEETING_SIGN_IN, NEW_MEETING_STARTING } from '../messages.js';
import type { Route } from '../routes.js';
import type { SignedIn } from '../session.js';

interface NewMeetingOptions {
  accounts: AccountClient;
  onSession: (s: SignedIn | null) => Promise<void>;
  go: (route: Route) => void;
  setNotice: (notice: string | null) => void;
  /** Pre-join joins by itself with this (it stops if it needs a name). */
  joinDirectly: (meetingId: string, password: string) => void;
  /** Who is signed in, once the session kept from before is resumed or known not to be there. */
  settled: () => Promise<SignedIn | null>;
}

export function useNewMeeting(o: NewMeetingOptions): (direct: boolean) => Promise<void> {
  // Read when the command comes (the session may have been resumed since the hook was made).
  const current = useRef(o);
  current.current = o;
  return useCallback(async (direct: boolean) => {
    current.current.go({ name: 'home' });
    // Clicked as the app opens: whether someone is signed in is known only once the keychain has answered.
    const session = await current.current.settled();
    const { accounts, onSession, go, setNotice, joinDirectly } = current.current;
    if (session === null) {
      setNotice(NEW_MEETING_SIGN_IN);
      return;
    }
    setNotice(NEW_MEETING_STARTING);
    try {
      const created = await accounts.createMeeting(session.token);
      setNotice(null);
      if (direct) joinDirectly(created.meetingId, created.password);
      go({ name: 'prejoin', meetingId: created.meetingId, password: created.password });
    } catch (err) {
      setNotice(accountError(err));
      if ((err as { code?: string }).code === 'session_expired') await onSession(null);
    }
  }, []);
}
