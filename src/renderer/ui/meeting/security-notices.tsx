/**
 * Says plainly when meriMeet refused something in a participant's name
 * (engine: sdp-mac.ts, Participant.securityProblem): who, what happened, and
 * what it means for the call. One notice per participant, dismissible; a new
 * problem (a later `at`) shows again.
 */
import { useState } from 'preact/hooks';
import type { Participant } from '../../engine/call-state.js';
import { useCallSelector, type CallStore } from '../hooks.js';
import { countRender } from '../render-count.js';
import { selectSecurityProblems, shallowArrayEqual } from './call-selectors.js';

/** The sentence for one participant's problem; exported for tests and the tile. */
export function securityNoticeText(p: Pick<Participant, 'displayName' | 'verification' | 'securityProblem'>): string | null {
  if (!p.securityProblem) return null;
  const name = p.displayName;
  if (p.verification === 'failed') {
    return (
      `${name} could not be verified. The connection details that reached you in their name were ` +
      `${p.securityProblem.kind === 'replayed' ? 'old copies played back' : 'altered on the way'} — possibly by the server — ` +
      `so meriMeet refused them. You will not see or hear ${name} through them; everyone else in the meeting is unaffected.`
    );
  }
  return (
    `meriMeet refused ${p.securityProblem.kind === 'replayed' ? 'an old, repeated message' : 'a message that failed its end-to-end check'} ` +
    `in ${name}'s name (possibly from the server). Your call with ${name} is still end-to-end verified and goes on.`
  );
}

export function SecurityNotices({ engine }: { engine: CallStore }) {
  countRender('SecurityNotices');
  const peers = useCallSelector(engine, selectSecurityProblems, shallowArrayEqual);
  const [dismissed, setDismissed] = useState<Record<string, number>>({});
  const shown = peers.filter((p) => p.securityProblem && dismissed[p.peerId] !== p.securityProblem.at);
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((p) => (
        <div key={p.peerId} class="banner security">
          <p role="alert" class="alert">
            {securityNoticeText(p)}
          </p>
          <button type="button" class="small" onClick={() => setDismissed((d) => ({ ...d, [p.peerId]: p.securityProblem!.at }))}>
            Dismiss notice about {p.displayName}
          </button>
        </div>
      ))}
    </>
  );
}
