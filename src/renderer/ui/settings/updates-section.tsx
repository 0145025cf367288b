import { useEffect, useState } from 'preact/hooks';
import type { UpdateStatus } from '../../../common/ipc-contract.js';
import type { SectionProps } from './general-section.js';

export function updateText(status: UpdateStatus): string {
  switch (status.state) {
    case 'disabled':
      return 'Automatic updates are off.';
    case 'idle':
      return 'meriMeet is up to date.';
    case 'checking':
      return 'Checking for updates…';
    case 'downloading':
      return `Downloading meriMeet ${status.version ?? ''} in the background (${status.percent ?? 0} %)…`;
    case 'ready':
      return `meriMeet ${status.version ?? ''} is ready: restart to update.`;
    case 'waiting-for-call':
      return `meriMeet ${status.version ?? ''} is ready; it waits until your call ends.`;
    case 'error':
      return `Could not check for updates: ${status.error ?? 'unknown error'}`;
  }
}

/** The updates opt-out, the current state, "Check now" and "Restart to update". */
export function UpdatesSection({ api, state }: SectionProps) {
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  useEffect(() => {
    void api.updateStatus().then(setStatus);
    return api.onUpdateStatus(setStatus);
  }, [api, state.config]);
  const prefs = state.config?.preferences;
  if (!prefs || status === null) return null;
  return (
    <section class="card settings-section" aria-labelledby="settings-updates">
      <h2 id="settings-updates">Updates</h2>
      <div class="check">
        <input
          id="set-autoUpdate"
          type="checkbox"
          checked={prefs.autoUpdate}
          onChange={(e) => {
            const autoUpdate = e.currentTarget.checked;
            void state.change('updates', () => api.updateSettings({ preferences: { autoUpdate } }));
          }}
        />
        <label for="set-autoUpdate">Check for updates and download them in the background</label>
      </div>
      <p role="status">{updateText(status)}</p>
      <div class="actions">
        <button type="button" class="small" disabled={!prefs.autoUpdate} onClick={() => void state.change('updates', async () => setStatus(await api.checkForUpdates()))}>
          Check now
        </button>
        {status.state === 'ready' ? (
          <button type="button" class="primary" onClick={() => void state.change('updates', () => api.restartToUpdate())}>
            Restart to update
          </button>
        ) : null}
      </div>
      {state.errors.updates ? (
        <p role="alert" class="alert">
          {state.errors.updates}
        </p>
      ) : null}
    </section>
  );
}
