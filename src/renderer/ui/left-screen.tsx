import type { EndReason } from '../engine/call-state.js';
import { useFocusOnMount } from './hooks.js';
import { endReasonText } from './messages.js';

const HEADINGS: Record<EndReason, string> = {
  left: 'You left the meeting',
  removed: 'You were removed from the meeting',
  denied: 'You were not let in',
  ended: 'The meeting has ended',
};

export function LeftScreen({ reason, onRejoin, onHome }: { reason: EndReason | null; onRejoin: () => void; onHome: () => void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const alert = endReasonText(reason);
  return (
    <main class="screen screen-left">
      <div class="card">
        <h1 ref={heading} tabIndex={-1}>
          {HEADINGS[reason ?? 'left']}
        </h1>
        {alert === null ? null : (
          <p role="alert" class="alert">
            {alert}
          </p>
        )}
        <div class="actions">
          <button type="button" class="primary" onClick={onRejoin}>
            Rejoin
          </button>
          <button type="button" onClick={onHome}>
            Home
          </button>
        </div>
      </div>
    </main>
  );
}
