/**
 * Updates the person controls. electron-updater's autoUpdater (a parameter
 * here, so this is tested with a stand-in) checks the feed set at build time
 * (electron-builder.yml, `publish: generic`) at start and every few hours,
 * and downloads in the background. electron-updater verifies what it
 * downloaded before handing it over (the SHA-512 in the feed's latest*.yml;
 * on Windows also the installer's Authenticode publisher; on macOS Squirrel
 * checks the code signature), so "ready" means verified.
 *
 * The rules this module enforces:
 *   - never restart by itself, and never while a call is on: an update that
 *     is ready during a call waits ("waiting-for-call"), and becomes "Restart
 *     to update" when the call ends; restarting is the person's click;
 *   - opted out (settings: autoUpdate off): no check, no download, nothing.
 */
import type { UpdateStatus } from '../common/ipc-contract.js';

/** The part of electron-updater's AppUpdater used here. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-not-available', listener: () => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** How often to look for an update while the app runs. */
export const UPDATE_CHECK_EVERY_MS = 4 * 60 * 60 * 1000;

export interface UpdateControllerDeps {
  updater: UpdaterLike;
  /** The person's choice (settings: autoUpdate). */
  enabled: boolean;
  onStatus(status: UpdateStatus): void;
  timers?: Timers;
  everyMs?: number;
}

export class UpdateRefusedError extends Error {
  constructor(
    readonly code: 'in_call' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'UpdateRefusedError';
  }
}

export interface UpdateController {
  status(): UpdateStatus;
  /** Looks now (also what the timer does); a no-op while opted out. */
  check(): Promise<UpdateStatus>;
  setEnabled(enabled: boolean): void;
  setInCall(inCall: boolean): void;
  /** The person's "Restart to update". */
  restart(): void;
  dispose(): void;
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? 'update failed').slice(0, 300);
}

export function createUpdateController(deps: UpdateControllerDeps): UpdateController {
  const timers: Timers = deps.timers ?? { setInterval: (cb, ms) => setInterval(cb, ms), clearInterval: (h) => clearInterval(h as never) };
  const updater = deps.updater;
  updater.autoDownload = true;
  // An update is installed only by the person's click, never on a quit they did not ask to update on.
  updater.autoInstallOnAppQuit = false;

  let enabled = deps.enabled;
  let inCall = false;
  let downloaded = false;
  let state: UpdateStatus = { state: enabled ? 'idle' : 'disabled', version: null, percent: null, error: null };
  let timer: unknown = null;

  const publish = (next: Partial<UpdateStatus>): void => {
    state = { ...state, ...next };
    deps.onStatus(state);
  };
  const readyState = (): UpdateStatus['state'] => (inCall ? 'waiting-for-call' : 'ready');

  updater.on('update-available', (info) => enabled && publish({ state: 'downloading', version: info.version, percent: 0, error: null }));
  updater.on('update-not-available', () => enabled && !downloaded && publish({ state: 'idle', percent: null }));
  updater.on('download-progress', (p) => enabled && !downloaded && publish({ state: 'downloading', percent: Math.round(p.percent) }));
  updater.on('update-downloaded', (info) => {
    downloaded = true;
    if (enabled) publish({ state: readyState(), version: info.version, percent: 100, error: null });
  });
  updater.on('error', (err) => enabled && !downloaded && publish({ state: 'error', error: errorText(err) }));

  const check = async (): Promise<UpdateStatus> => {
    if (!enabled || downloaded || state.state === 'checking' || state.state === 'downloading') return state;
    publish({ state: 'checking', error: null });
    try {
      await updater.checkForUpdates();
    } catch (err) {
      if (enabled && !downloaded) publish({ state: 'error', error: errorText(err) });
    }
    return state;
  };
  const startTimer = (): void => {
    if (timer === null) timer = timers.setInterval(() => void check(), deps.everyMs ?? UPDATE_CHECK_EVERY_MS);
  };
  const stopTimer = (): void => {
    if (timer !== null) timers.clearInterval(timer);
    timer = null;
  };
  if (enabled) startTimer();

  return {
    status: () => state,
    check,
    setEnabled(next) {
      if (next === enabled) return;
      enabled = next;
      updater.autoDownload = next;
      if (!next) {
        stopTimer();
        publish({ state: 'disabled', percent: null, error: null });
        return;
      }
      startTimer();
      if (downloaded) publish({ state: readyState(), percent: 100 });
      else {
        publish({ state: 'idle' });
        void check();
      }
    },
    setInCall(next) {
      if (next === inCall) return;
      inCall = next;
      if (enabled && downloaded) publish({ state: readyState() });
    },
    restart() {
      if (!enabled || !downloaded) throw new UpdateRefusedError('not_found', 'no update is ready');
      if (inCall) throw new UpdateRefusedError('in_call', 'the update waits until the call ends');
      updater.quitAndInstall(false, true);
    },
    dispose: stopTimer,
  };
}
