import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { UpdaterLike } from './updates.js';
import { createSettingsEffects, withDesktopSideEffects } from './desktop-effects.js';
import type { createMainHandlers } from './handlers.js';

/** Stand-ins for Electron's objects only: globalShortcut, app.setLoginItemSettings, autoUpdater, webContents.send. */
function deps(packaged: boolean) {
  const events = new EventEmitter();
  const updater = {
    autoDownload: false,
    autoInstallOnAppQuit: true,
    checkForUpdates: vi.fn(async () => undefined),
    quitAndInstall: vi.fn(),
    on: (event: string, listener: (...args: never[]) => void) => events.on(event, listener as never),
  } as unknown as UpdaterLike;
  const shortcuts = new Map<string, () => void>();
  const sent: [string, unknown][] = [];
  const loginItem: boolean[] = [];
  const effects = createSettingsEffects({
    packaged,
    updater,
    autoUpdate: false,
    setLoginItem: (open) => void loginItem.push(open),
    globalShortcut: { register: (a, cb) => (shortcuts.set(a, cb), true), unregister: (a) => void shortcuts.delete(a) },
    sendEvent: (channel, payload) => void sent.push([channel, payload]),
  });
  return { effects, shortcuts, sent, loginItem };
}

describe('desktop effects', () => {
  it('the mute shortcut, pressed anywhere, tells the window to toggle the microphone', () => {
    const { effects, shortcuts, sent } = deps(false);
    expect(effects.muteShortcut.set('CommandOrControl+Shift+M')).toEqual({ ok: true, accelerator: 'CommandOrControl+Shift+M' });
    shortcuts.get('CommandOrControl+Shift+M')?.();
    expect(sent).toEqual([['tray:action', { action: 'toggle-mic' }]]);
  });

  it('updates exist only in a packaged app, and start as the stored opt-out says', () => {
    expect(deps(false).effects.updates).toBeNull();
    const { effects } = deps(true);
    expect(effects.updates?.status().state).toBe('disabled');
    effects.updates?.dispose();
  });

  it('the login item is Electron’s, passed through', () => {
    const { effects, loginItem } = deps(false);
    effects.setLoginItem(true);
    expect(loginItem).toEqual([true]);
  });

  it('adding a recent meeting refreshes the tray menu after the handler ran', async () => {
    const order: string[] = [];
    const handlers = {
      'recent:add': () => {
        order.push('handler');
        return null;
      },
    } as unknown as ReturnType<typeof createMainHandlers>['handlers'];
    const wrapped = withDesktopSideEffects(handlers, () => order.push('tray'));
    await wrapped['recent:add']({ server: 'wss://meet.example.org/ws', meetingId: 'abc-defg-hjk', title: null }, { senderId: undefined } as never);
    expect(order).toEqual(['handler', 'tray']);
  });
});
