/**
 * The settings screen's IPC handlers: preferences (validated by the contract,
 * then applied: login item, global mute shortcut, updates), pinned
 * certificates, what this computer keeps, and "forget everything".
 * The effects are parameters (Electron's app, globalShortcut and
 * electron-updater in index.ts; stand-ins in tests).
 */
import type { DesktopConfig, Preferences, StoredData } from '../common/ipc-contract.js';
import type { MuteShortcut } from './global-shortcut.js';
import { IpcError, type Handlers } from './ipc/router.js';
import { KeychainUnavailableError, type Keychain } from './keychain.js';
import type { Settings } from './settings.js';
import type { UpdateController } from './updates.js';

/** What changing a preference does outside the settings file. */
export interface SettingsEffects {
  /** Electron's app.setLoginItemSettings({ openAtLogin }). */
  setLoginItem(openAtLogin: boolean): void;
  muteShortcut: MuteShortcut;
  updates: UpdateController | null;
}

export interface SettingsHandlerDeps {
  settings: Settings;
  keychain: Keychain;
  config(): Promise<DesktopConfig>;
  effects: SettingsEffects | null;
}

/**
 * Applies the stored preferences at start (and after "forget everything").
 * Returns why the stored mute shortcut could not be registered, or null.
 */
export function applyPreferences(preferences: Preferences, effects: SettingsEffects): string | null {
  effects.setLoginItem(preferences.launchAtLogin);
  effects.updates?.setEnabled(preferences.autoUpdate);
  const shortcut = effects.muteShortcut.set(preferences.muteShortcut);
  return shortcut.ok ? null : shortcut.reason;
}

function firstLine(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? 'invalid') : 'invalid';
}

type SettingsChannels = 'settings:update' | 'pins:list' | 'pins:forget' | 'data:summary' | 'data:forget-everything';

export function createSettingsHandlers(deps: SettingsHandlerDeps): Pick<Handlers, SettingsChannels> {
  const { settings, keychain, effects } = deps;

  const summary = async (): Promise<StoredData> => {
    const s = settings.get();
    let accounts: string[] | null = null;
    try {
      accounts = await keychain.accounts();
    } catch (err) {
      if (!(err instanceof KeychainUnavailableError)) throw err;
    }
    const sessions = (accounts ?? []).filter((a) => a.startsWith('session ')).map((a) => a.slice('session '.length));
    return {
      settingsFile: settings.path,
      servers: s.servers.length,
      recentMeetings: s.recentMeetings.length,
      pins: settings.listPins().length,
      keychain: {
        available: accounts !== null,
        sessions: sessions.filter((url) => /^wss?:\/\//.test(url)),
        meetingPasswords: (accounts ?? []).filter((a) => a.startsWith('meeting ')).length,
      },
    };
  };

  return {
    'settings:update': async (patch) => {
      const wanted = patch.preferences;
      if (wanted?.muteShortcut !== undefined && effects !== null) {
        const result = effects.muteShortcut.set(wanted.muteShortcut);
        if (!result.ok) throw new IpcError('conflict', result.reason);
      }
      try {
        settings.update(patch);
      } catch (err) {
        throw new IpcError('bad_request', firstLine(err));
      }
      const after = settings.get().preferences;
      if (effects !== null && wanted?.launchAtLogin !== undefined) effects.setLoginItem(after.launchAtLogin);
      if (effects !== null && wanted?.autoUpdate !== undefined) effects.updates?.setEnabled(after.autoUpdate);
      return deps.config();
    },
    'pins:list': () => ({ pins: settings.listPins() }),
    'pins:forget': ({ host }) => {
      if (settings.getPin(host) === null) throw new IpcError('not_found', 'no certificate is pinned for that host');
      settings.forgetPin(host);
      return null;
    },
    'data:summary': () => summary(),
    'data:forget-everything': async () => {
      try {
        await keychain.forgetAll();
      } catch (err) {
        // No keychain: it holds nothing of ours to forget.
        if (!(err instanceof KeychainUnavailableError)) throw err;
      }
      settings.clear();
      if (effects !== null) applyPreferences(settings.get().preferences, effects);
      return deps.config();
    },
  };
}
