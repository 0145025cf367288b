/**
 * The main process's IPC handlers: what each channel of the contract does,
 * over the real modules (keychain, settings, certificate gate, picker). Plain
 * code; index.ts gives it Electron's pieces (notifications, shell, window
 * state), and the bridge test gives it the same real keychain and store.
 */
import type { CallState, DesktopConfig, TrayAction } from '../common/ipc-contract.js';
import { IpcError, type Handlers } from './ipc/router.js';
import { KeychainUnavailableError, type Keychain, type KeychainStatus } from './keychain.js';
import type { CertificateGate } from './security/cert-pinning.js';
import { NoPendingPromptError } from './security/cert-pinning.js';
import { externalLinkTarget } from './security/window-policy.js';
import type { DisplayPicker } from './display-picker.js';
import { PickerError } from './display-picker.js';
import { createQuickJoinHandlers, type QuickJoinDeps } from './quick-join.js';
import type { Settings } from './settings.js';
import { createSettingsHandlers, type SettingsEffects } from './settings-handlers.js';
import type { TrayCommand } from './tray-menu.js';
import { UpdateRefusedError, type UpdateController } from './updates.js';

export interface MainDeps {
  version: string;
  keychain: Keychain;
  settings: Settings;
  certificates: CertificateGate;
  picker: DisplayPicker;
  /** Whether the window is visible and focused right now. */
  windowState(): { visible: boolean; focused: boolean };
  showNotification(title: string, body: string): void;
  openExternal(url: string): void;
  onCallState(state: CallState): void;
  /** "Host on this computer"; absent where it is not offered. */
  host?: { start(): Promise<{ server: string; fingerprint: string }>; stop(): Promise<void> };
  /** What preferences change outside the file (login item, mute shortcut, updates); null: nothing. */
  effects?: SettingsEffects | null;
  /** The quick-join window's effects; absent: its channels answer not_found. */
  quickJoin?: Pick<QuickJoinDeps, 'deliver' | 'close'>;
  now?: () => number;
}

const UPDATES_OFF = { state: 'disabled', version: null, percent: null, error: null } as const;

/** Notifications only when the person cannot see the window: hidden, minimised or in the background. */
export function shouldNotify(window: { visible: boolean; focused: boolean }): boolean {
  return !window.visible || !window.focused;
}

async function secret<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof KeychainUnavailableError) throw new IpcError('keychain_unavailable', err.message);
    throw err;
  }
}

export interface MainHandlers {
  handlers: Handlers;
  /** The keychain's status, asked once at start and cached (it is shown in the window). */
  keychainStatus(): Promise<KeychainStatus>;
  /** What the window should do for a tray command (a rejoin fetches the password from the keychain). */
  trayAction(command: Exclude<TrayCommand, { kind: 'show' } | { kind: 'quit' }>): Promise<TrayAction>;
}

export function createMainHandlers(deps: MainDeps): MainHandlers {
  const now = deps.now ?? Date.now;
  let status: Promise<KeychainStatus> | null = null;
  const keychainStatus = () => (status ??= deps.keychain.status());

  const config = async (): Promise<DesktopConfig> => {
    const s = deps.settings.get();
    return { version: deps.version, ...s, keychain: await keychainStatus() };
  };
  const settingsChange = async (change: () => void): Promise<DesktopConfig> => {
    try {
      change();
    } catch (err) {
      throw new IpcError('bad_request', err instanceof Error ? err.message.split('\n')[0] ?? 'invalid' : 'invalid');
    }
    return config();
  };

  const effects = deps.effects ?? null;
  const updates: UpdateController | null = effects?.updates ?? null;
  const quickJoin = createQuickJoinHandlers({
    settings: deps.settings,
    keychain: deps.keychain,
    deliver: (action) => {
      if (deps.quickJoin === undefined) throw new IpcError('not_found', 'there is no quick-join window');
      deps.quickJoin.deliver(action);
    },
    close: () => deps.quickJoin?.close(),
  });
  const handlers: Handlers = {
    ...createSettingsHandlers({ settings: deps.settings, keychain: deps.keychain, config, effects }),
    ...quickJoin,
    ...updateHandlers(updates),
    ...secretHandlers(deps.keychain),
    'config:get': () => config(),
    'recent:add': ({ server, meetingId, title }) => {
      deps.settings.addRecentMeeting({ server, meetingId, title }, now());
      return null;
    },
    'servers:add': (entry) => settingsChange(() => deps.settings.addServer(entry)),
    'servers:remove': ({ url }) => settingsChange(() => deps.settings.removeServer(url)),
    'servers:set-default': ({ url }) => settingsChange(() => deps.settings.setDefaultServer(url)),
    'certificate:decide': ({ host, fingerprint, trust }) => {
      try {
        deps.certificates.decide(host, fingerprint, trust);
      } catch (err) {
        if (err instanceof NoPendingPromptError) throw new IpcError('not_found', err.message);
        throw err;
      }
      return null;
    },
    'picker:choose': ({ requestId, sourceId, audio }) => {
      try {
        deps.picker.choose(requestId, sourceId, audio);
      } catch (err) {
        if (err instanceof PickerError) throw new IpcError(err.code, err.message);
        throw err;
      }
      return null;
    },
    'call:state': (state) => {
      deps.onCallState(state);
      updates?.setInCall(state.inCall);
      return null;
    },
    notify: ({ title, body }) => {
      if (!deps.settings.get().preferences.notifications) return { shown: false };
      if (!shouldNotify(deps.windowState())) return { shown: false };
      deps.showNotification(title, body);
      return { shown: true };
    },
    'link:open': ({ url }) => {
      const target = externalLinkTarget(url);
      if (target === null) return { opened: false };
      deps.openExternal(target);
      return { opened: true };
    },
    'host:start': async () => {
      if (deps.host === undefined) throw new IpcError('not_found', 'hosting on this computer is not available');
      return deps.host.start();
    },
    'host:stop': async () => {
      await deps.host?.stop();
      return null;
    },
  };

  return {
    handlers,
    keychainStatus,
    async trayAction(command) {
      if (command.kind !== 'rejoin') return { action: command.kind };
      let password: string | null = null;
      try {
        password = await deps.keychain.recallMeetingPassword(command.server, command.meetingId);
      } catch {
        password = null; // no keychain: the window asks for the password
      }
      return { action: 'rejoin', server: command.server, meetingId: command.meetingId, password };
    },
  };
}

/** Updates, as the settings screen and the "Restart to update" banner drive them (updates.ts decides). */
function updateHandlers(updates: UpdateController | null): Pick<Handlers, 'update:status' | 'update:check' | 'update:restart'> {
  return {
    'update:status': () => updates?.status() ?? UPDATES_OFF,
    'update:check': async () => (updates === null ? UPDATES_OFF : updates.check()),
    'update:restart': () => {
      if (updates === null) throw new IpcError('not_found', 'updates are not available in this build');
      try {
        updates.restart();
      } catch (err) {
        if (err instanceof UpdateRefusedError) throw new IpcError(err.code, err.message);
        throw err;
      }
      return null;
    },
  };
}

type SecretChannel = 'session:get' | 'session:set' | 'session:clear' | 'meeting-password:remember' | 'meeting-password:recall' | 'meeting-password:forget';

/** What lives in the OS keychain: session tokens and meeting passwords (never in the settings file). */
function secretHandlers(keychain: MainDeps['keychain']): Pick<Handlers, SecretChannel> {
  return {
    'session:get': async ({ server }) => ({ token: await secret(() => keychain.getSessionToken(server)) }),
    'session:set': async ({ server, token }) => {
      await secret(() => keychain.setSessionToken(server, token));
      return null;
    },
    'session:clear': async ({ server }) => {
      await secret(() => keychain.clearSessionToken(server));
      return null;
    },
    'meeting-password:remember': async ({ server, meetingId, password }) => {
      await secret(() => keychain.rememberMeetingPassword(server, meetingId, password));
      return null;
    },
    'meeting-password:recall': async ({ server, meetingId }) => ({
      password: await secret(() => keychain.recallMeetingPassword(server, meetingId)),
    }),
    'meeting-password:forget': async ({ server, meetingId }) => {
      await secret(() => keychain.forgetMeetingPassword(server, meetingId));
      return null;
    },
  };
}
