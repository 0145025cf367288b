import { useState } from 'preact/hooks';
import type { AccountClient } from '../../engine/account-client.js';
import { useFocusOnMount } from '../hooks.js';
import type { MeetingTarget } from '../routes.js';
import type { SignedIn } from '../session.js';
import { AccountPanel } from './account-panel.js';
import { JoinForm } from './join-form.js';

export interface HomeProps {
  accounts: AccountClient;
  session: SignedIn | null;
  onSession: (session: SignedIn | null) => Promise<void>;
  prefillId: string | undefined;
  inviteOrigin: string;
  focusHeading: boolean;
  onContinue: (target: MeetingTarget) => void;
  /** The desktop's settings screen (absent on the web). */
  onSettings?: () => void;
}

export function HomeScreen(props: HomeProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>(props.focusHeading);
  // "Join" next to one of your meetings fills the join form's id.
  const [prefill, setPrefill] = useState({ id: props.prefillId ?? '', nonce: 0 });
  return (
    <main class="screen screen-home">
      <header class="brand">
        <h1 ref={heading} tabIndex={-1}>
          meriMeet
        </h1>
        <p class="tagline">Private video meetings, end to end.</p>
        {props.onSettings ? (
          <button type="button" class="small" onClick={props.onSettings}>
            Settings
          </button>
        ) : null}
      </header>
      <div class="home-columns">
        <JoinForm
          key={prefill.nonce}
          initialId={prefill.id}
          focusPassword={prefill.nonce > 0}
          inviteOrigin={props.inviteOrigin}
          onContinue={props.onContinue}
        />
        <AccountPanel
          accounts={props.accounts}
          session={props.session}
          onSession={props.onSession}
          inviteOrigin={props.inviteOrigin}
          onJoinNow={props.onContinue}
          onPickMeeting={(id) => setPrefill((old) => ({ id, nonce: old.nonce + 1 }))}
        />
      </div>
    </main>
  );
}
