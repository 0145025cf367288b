import { useEffect, useRef, useState } from 'preact/hooks';
import type { CreatedMeeting } from '../../engine/account-client.js';
import { formatInviteLink } from '../invite.js';
import type { MeetingTarget } from '../routes.js';

export function MeetingCreated({
  created,
  inviteOrigin,
  onJoinNow,
}: {
  created: CreatedMeeting;
  inviteOrigin: string;
  onJoinNow: (target: MeetingTarget) => void;
}) {
  const link = formatInviteLink(inviteOrigin, created.meetingId, created.password);
  const [copied, setCopied] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [created]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Invite link copied.');
    } catch {
      // No clipboard permission (or not a secure context): select it for Ctrl+C.
      input.current?.select();
      setCopied('Press Ctrl+C to copy the selected link.');
    }
  };

  return (
    <section class="created" aria-labelledby="created-title">
      <h3 id="created-title" ref={heading} tabIndex={-1}>
        Meeting created
      </h3>
      <dl class="facts">
        <dt>Meeting ID</dt>
        <dd class="mono">{created.meetingId}</dd>
        <dt>Password</dt>
        <dd class="mono">{created.password}</dd>
      </dl>
      <div class="field">
        <label for="invite-link">Invite link</label>
        <input id="invite-link" ref={input} type="text" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      </div>
      <p class="hint">The password travels only after the # in the link; our server never sees it.</p>
      <div class="actions">
        <button type="button" onClick={() => void copy()}>
          Copy invite link
        </button>
        <button type="button" class="primary" onClick={() => onJoinNow({ meetingId: created.meetingId, password: created.password })}>
          Join now
        </button>
      </div>
      <p aria-live="polite" class="hint">
        {copied}
      </p>
    </section>
  );
}
