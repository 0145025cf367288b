import { useEffect, useRef, useState } from 'preact/hooks';
import { isAcceptablePassword, isMeetingId, normalizeMeetingId, parseInvite } from '../invite.js';
import type { MeetingTarget } from '../routes.js';

export interface JoinFormProps {
  initialId: string;
  focusPassword: boolean;
  inviteOrigin: string;
  onContinue: (target: MeetingTarget) => void;
}

export function JoinForm({ initialId, focusPassword, inviteOrigin, onContinue }: JoinFormProps) {
  const [meetingId, setMeetingId] = useState(initialId);
  const [password, setPassword] = useState('');
  const [invite, setInvite] = useState('');
  const [error, setError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusPassword) passwordRef.current?.focus();
  }, [focusPassword]);

  const submit = (event: Event) => {
    event.preventDefault();
    if (invite.trim() !== '') {
      const parsed = parseInvite(invite);
      if (!parsed.ok) return setError(parsed.reason);
      const { origin, ...target } = parsed.invite;
      if (origin !== undefined && origin !== inviteOrigin) {
        return setError(`That invite is for another server (${origin}). Open the link itself instead.`);
      }
      setError(null);
      return onContinue(target);
    }
    const id = normalizeMeetingId(meetingId);
    if (!isMeetingId(id)) return setError('Enter a meeting ID like abc-defg-hjk, or paste an invite link.');
    const pw = password.trim();
    if (!isAcceptablePassword(pw)) return setError('Enter the meeting password.');
    setError(null);
    onContinue({ meetingId: id, password: pw });
  };

  return (
    <form class="card" aria-labelledby="join-title" aria-describedby={error ? 'join-error' : undefined} onSubmit={submit} noValidate>
      <h2 id="join-title">Join a meeting</h2>
      <div class="field">
        <label for="join-id">Meeting ID</label>
        <input
          id="join-id"
          type="text"
          autoComplete="off"
          autoCapitalize="none"
          spellcheck={false}
          placeholder="abc-defg-hjk"
          maxLength={64}
          value={meetingId}
          onInput={(e) => setMeetingId(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="join-password">Meeting password</label>
        <input
          id="join-password"
          ref={passwordRef}
          type="password"
          autoComplete="off"
          maxLength={128}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="join-invite">Or paste an invite link</label>
        <input
          id="join-invite"
          type="text"
          autoComplete="off"
          spellcheck={false}
          placeholder="https://…/#m=…&p=…"
          maxLength={2048}
          value={invite}
          onInput={(e) => setInvite(e.currentTarget.value)}
        />
      </div>
      {error === null ? null : (
        <p id="join-error" role="alert" class="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary">
        Continue
      </button>
    </form>
  );
}
