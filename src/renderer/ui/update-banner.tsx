/**
 * "Restart to update", above every screen, once main has a verified update
 * and no call is on (main holds it back during a call: the banner appears
 * when the call ends). Restarting is only ever this click.
 */
import { useEffect, useState } from 'preact/hooks';
import type { UpdateStatus } from '../../common/ipc-contract.js';
import type { Platform } from '../platform/index.js';
import { errorText } from './settings/use-settings.js';

export function UpdateBanner({ platform }: { platform: Platform }) {
  const api = platform.settings;
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!api) return;
    void api.updateStatus().then(setStatus, () => undefined);
    return api.onUpdateStatus(setStatus);
  }, [api]);
  if (!api || status?.state !== 'ready' || dismissed === status.version) return null;
  return (
    <div class="banner update-banner" role="region" aria-label="Update">
      <p>meriMeet {status.version} is ready to install.</p>
      <button type="button" class="primary" onClick={() => void api.restartToUpdate().catch((err: unknown) => setError(errorText(err)))}>
        Restart to update
      </button>
      <button type="button" class="small" onClick={() => setDismissed(status.version)}>
        Later
      </button>
      {error === null ? null : (
        <p role="alert" class="alert">
          {error}
        </p>
      )}
    </div>
  );
}
