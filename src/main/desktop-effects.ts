/**
 * What main does around the handlers, with Electron's objects passed in (so
 * it stays testable without Electron): the effects settings have on the
 * system (login item, the global mute shortcut, updates), and the tray that
 * follows the recent meetings.
 */
import type { EventChannel, EventOf } from '../common/ipc-contract.js';
import { createMuteShortcut, type ShortcutRegistrar } from './global-shortcut.js';
import type { createMainHandlers } from './handlers.js';
import type { SettingsEffects } from './settings-handlers.js';
import { createUpdateController, type UpdaterLike } from './updates.js';

export interface EffectsDeps {
  /** Updates exist only in a packaged app (electron-builder writes app-update.yml with the feed set at build time). */
  packaged: boolean;
  updater: UpdaterLike;
  autoUpdate: boolean;
  setLoginItem: (openAtLogin: boolean) => void;
  globalShortcut: ShortcutRegistrar;
  sendEvent: <C extends EventChannel>(channel: C, payload: EventOf<C>) => void;
}

export function createSettingsEffects(d: EffectsDeps): SettingsEffects {
  const updates = d.packaged ? createUpdateController({ updater: d.updater, enabled: d.autoUpdate, onStatus: (status) => d.sendEvent('update:status', status) }) : null;
  return {
    setLoginItem: d.setLoginItem,
    muteShortcut: createMuteShortcut(d.globalShortcut, () => d.sendEvent('tray:action', { action: 'toggle-mic' })),
    updates,
  };
}

type MainHandlers = ReturnType<typeof createMainHandlers>['handlers'];

/** The handlers with what main does around one of them: the tray lists the recent meetings. */
export function withDesktopSideEffects(handlers: MainHandlers, refreshTray: () => void): MainHandlers {
  return {
    ...handlers,
    'recent:add': (request, context) => {
      const result = handlers['recent:add'](request, context);
      refreshTray();
      return result;
    },
  };
}
