import { useEffect, useState } from 'preact/hooks';
import type { StoredData } from '../../../common/ipc-contract.js';
import type { SectionProps } from './general-section.js';

/** What this computer keeps, and "Forget everything" (keychain entries and settings), asked twice. */
export function DataSection({ api, state, onForgotten }: SectionProps & { onForgotten: () => void }) {
  const [data, setData] = useState<StoredData | null>(null);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => void api.storedData().then(setData), [api, state.config]);
  const forget = async () => {
    setConfirming(false);
    if (await state.change('data', () => api.forgetEverything())) onForgotten();
  };
  return (
    <section class="card settings-section" aria-labelledby="settings-data">
      <h2 id="settings-data">Kept on this computer</h2>
      {data === null ? null : (
        <ul class="facts" aria-label="Kept on this computer">
          <li>
            Settings file: <span class="mono">{data.settingsFile}</span> ({data.servers} servers, {data.recentMeetings} recent meetings,{' '}
            {data.pins} trusted certificates; never a password)
          </li>
          <li>
            {data.keychain.available
              ? `System keychain: ${data.keychain.sessions.length} sign-ins, ${data.keychain.meetingPasswords} meeting passwords`
              : 'System keychain: not available, so nothing secret is kept'}
          </li>
          <li>Chat and files: never written anywhere</li>
        </ul>
      )}
      {confirming ? (
        <div role="group" aria-labelledby="set-forget-question" class="prompt">
          <p id="set-forget-question">Forget every sign-in, meeting password, server, trusted certificate and setting?</p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void forget()}>
              Yes, forget everything
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep everything
            </button>
          </div>
        </div>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Forget everything…
        </button>
      )}
      {state.errors.data ? (
        <p role="alert" class="alert">
          {state.errors.data}
        </p>
      ) : null}
    </section>
  );
}
