import type { MeetingInfo } from '@merimeet/signaling/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { AccountClient, CreatedMeeting } from '../../engine/account-client.js';
import type { MeetingTarget } from '../routes.js';
import type { SignedIn } from '../session.js';
import { MeetingCreated } from './meeting-created.js';
import { reportFailure } from '../../engine/failures.js';

export interface AccountPanelProps {
  accounts: AccountClient;
  session: SignedIn | null;
  onSession: (session: SignedIn | null) => Promise<void>;
  inviteOrigin: string;
  onJoinNow: (target: MeetingTarget) => void;
  onPickMeeting: (meetingId: string) => void;
}

const ACCOUNT_ERRORS: Record<string, string> = {
  bad_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken. Pick another one.',
  weak_password: 'Pick a longer password: at least 8 characters.',
  bad_message: 'Usernames are 3 to 32 of a-z, 0-9, dot, dash or underscore; passwords at least 8 characters.',
  rate_limited: 'Too many attempts. Wait a moment, then try again.',
  session_expired: 'Your session has expired. Log in again.',
};

function accountError(err: unknown): string {
  const code = (err as { code?: string }).code;
  return (code !== undefined && ACCOUNT_ERRORS[code]) || 'The server could not be reached. Try again.';
}

export function AccountPanel(props: AccountPanelProps) {
  return props.session === null ? <LoginForm {...props} /> : <SignedInPanel {...props} session={props.session} />;
}

function LoginForm({ accounts, onSession }: AccountPanelProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const act = async (kind: 'login' | 'register') => {
    const name = username.trim().toLowerCase();
    if (name === '' || password === '') return setError('Enter a username and a password.');
    setBusy(true);
    setError(null);
    try {
      const s = kind === 'login' ? await accounts.login(name, password) : await accounts.register(name, password);
      if (s.token === undefined) throw new Error('no token');
      setPassword('');
      await onSession({ username: s.username, token: s.token });
    } catch (err) {
      setError(accountError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="card"
      aria-labelledby="account-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void act('login');
      }}
    >
      <h2 id="account-title">Your account</h2>
      <p class="hint">Log in to host meetings. Guests only need a meeting ID and password.</p>
      <div class="field">
        <label for="account-username">Username</label>
        <input
          id="account-username"
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          maxLength={32}
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="account-password">Account password</label>
        <input
          id="account-password"
          type="password"
          autoComplete="current-password"
          maxLength={256}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </div>
      {error === null ? null : (
        <p role="alert" class="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Log in
        </button>
        <button type="button" disabled={busy} onClick={() => void act('register')}>
          Register
        </button>
      </div>
    </form>
  );
}

function SignedInPanel({ accounts, session, onSession, inviteOrigin, onJoinNow, onPickMeeting }: AccountPanelProps & { session: SignedIn }) {
  const [meetings, setMeetings] = useState<MeetingInfo[] | null>(null);
  const [created, setCreated] = useState<CreatedMeeting | null>(null);
  const [lobby, setLobby] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    accounts.listMeetings(session.token).then(
      (list) => !cancelled && setMeetings(list),
      async (err: unknown) => {
        if (cancelled) return;
        if ((err as { code?: string }).code === 'session_expired') return onSession(null);
        setMeetings([]);
        setError(accountError(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [accounts, session.token, created, onSession]);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      setCreated(await accounts.createMeeting(session.token, { lobby }));
    } catch (err) {
      if ((err as { code?: string }).code === 'session_expired') return void onSession(null);
      setError(accountError(err));
    } finally {
      setBusy(false);
    }
  };

  const logOut = async () => {
    setBusy(true);
    try {
      await accounts.logout(session.token);
    } catch (err) {
      // Forget the token locally even if the server could not be told.
      reportFailure('telling the server we log out', err);
    }
    setBusy(false);
    await onSession(null);
  };

  const live = (meetings ?? []).filter((m) => m.endedAt === null);

  return (
    <section class="card" aria-labelledby="account-title">
      <h2 id="account-title">Your account</h2>
      <p class="signed-in">
        Signed in as {session.username}
      </p>
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => void create()}>
          New meeting
        </button>
        <button type="button" disabled={busy} onClick={() => void logOut()}>
          Log out
        </button>
      </div>
      <div class="check">
        <input id="new-lobby" type="checkbox" checked={lobby} onChange={(e) => setLobby(e.currentTarget.checked)} />
        <label for="new-lobby">New meetings have a lobby (you let people in)</label>
      </div>
      {error === null ? null : (
        <p role="alert" class="alert">
          {error}
        </p>
      )}
      {created === null ? null : (
        <MeetingCreated created={created} inviteOrigin={inviteOrigin} onJoinNow={onJoinNow} />
      )}
      <h3 id="my-meetings">Your meetings</h3>
      {meetings === null ? <p class="hint">Loading…</p> : null}
      <ul aria-labelledby="my-meetings" class="meeting-list">
        {live.map((m) => (
          <li key={m.meetingId}>
            <span class="mono">{m.meetingId}</span>
            {m.title ? <span> — {m.title}</span> : null}
            {m.live > 0 ? <span class="hint"> · {m.live} in it now</span> : null}
            <button type="button" class="small" onClick={() => onPickMeeting(m.meetingId)}>
              Join {m.meetingId}
            </button>
          </li>
        ))}
      </ul>
      {meetings !== null && live.length === 0 ? <p class="hint">No meetings yet.</p> : null}
    </section>
  );
}
