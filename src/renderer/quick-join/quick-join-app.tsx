/**
 * The tray's quick-join window: paste an invite link (or type an id and
 * password) and join; rejoin a recent meeting in one click (main fetches its
 * password from the keychain; this window never sees it); "New meeting" when
 * signed in. Escape or "Close" closes it; so does clicking elsewhere (main).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ReplyOf } from '../../common/ipc-contract.js';
import type { QuickJoinPort } from '../platform/quick-join-port.js';
import { isAcceptablePassword, isMeetingId, normalizeMeetingId, parseInvite } from '../ui/invite.js';
import { errorText } from '../ui/settings/use-settings.js';
import './quick-join.css';

type State = ReplyOf<'quick-join:state'>;

/** The server an invite link's origin names (`https://host` → `wss://host/ws`), or null for the default one. */
export function serverOfOrigin(origin: string | undefined, defaultServer: string | null): string | null {
  if (origin === undefined) return null;
  const url = new URL(origin);
  const server = `${url.protocol === 'http:' ? 'ws:' : 'wss:'}//${url.host}/ws`;
  return defaultServer !== null && new URL(defaultServer).host === url.host ? null : server;
}

export function QuickJoinApp({ port }: { port: QuickJoinPort }) {
  const [state, setState] = useState<State | null>(null);
  const [link, setLink] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void port.quickJoinState().then(setState, (err: unknown) => setError(errorText(err)));
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && void port.closeQuickJoin();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [port]);

  const looksLikeLink = /[#/:]/.test(link.trim());
  const submit = (request: Parameters<QuickJoinPort['quickJoin']>[0]) =>
    void port.quickJoin(request).catch((err: unknown) => setError(errorText(err)));
  const join = (e: Event) => {
    e.preventDefault();
    if (looksLikeLink) {
      const parsed = parseInvite(link);
      if (!parsed.ok) return setError(parsed.reason);
      const { origin, meetingId, password: pw } = parsed.invite;
      return submit({ kind: 'join', server: serverOfOrigin(origin, state?.server ?? null), meetingId, password: pw });
    }
    const id = normalizeMeetingId(link);
    if (!isMeetingId(id)) return setError('Paste an invite link, or enter a meeting ID like abc-defg-hjk.');
    if (!isAcceptablePassword(password.trim())) return setError('Enter the meeting password.');
    submit({ kind: 'join', server: null, meetingId: id, password: password.trim() });
  };

  return (
    <main class="quick-join" aria-labelledby="qj-title">
      <header class="quick-join-head">
        <h1 id="qj-title">Join a meeting</h1>
        <button type="button" class="small" aria-label="Close" onClick={() => void port.closeQuickJoin()}>
          ×
        </button>
      </header>
      <form aria-labelledby="qj-title" onSubmit={join} noValidate>
        <div class="field">
          <label for="qj-link">Invite link or meeting ID</label>
          <input
            id="qj-link"
            ref={first}
            type="text"
            autoComplete="off"
            spellcheck={false}
            value={link}
            onInput={(e) => setLink(e.currentTarget.value)}
          />
        </div>
        {looksLikeLink ? null : (
          <div class="field">
            <label for="qj-password">Meeting password</label>
            <input id="qj-password" type="password" autoComplete="off" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </div>
        )}
        {error === null ? null : (
          <p role="alert" class="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            Join
          </button>
          {state?.signedIn ? (
            <button type="button" onClick={() => submit({ kind: 'new-meeting' })}>
              New meeting
            </button>
          ) : null}
        </div>
      </form>
      <section aria-labelledby="qj-recent">
        <h2 id="qj-recent">Recent meetings</h2>
        {state === null || state.recentMeetings.length === 0 ? (
          <p class="hint">Meetings you join show here.</p>
        ) : (
          <ul class="quick-join-recent">
            {state.recentMeetings.slice(0, 5).map((r) => (
              <li key={`${r.server} ${r.meetingId}`}>
                <button type="button" onClick={() => submit({ kind: 'rejoin', server: r.server, meetingId: r.meetingId })}>
                  Rejoin {r.title ?? r.meetingId}
                  <span class="hint"> {new URL(r.server).host}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
