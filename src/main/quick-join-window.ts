/**
 * Electron glue for the tray's quick-join window: small, frameless, always
 * on top, not in the taskbar, closed when it loses focus (like a tray
 * flyout). The same hardened webPreferences and preload as the main window;
 * the page is the renderer in its quick-join role (QUICK_JOIN_PAGE), which
 * the IPC router lets call only the quick-join channels. Its decisions
 * (what it shows, what a join does, where it opens) are in quick-join.ts.
 */
import { BrowserWindow, screen, type Tray } from 'electron';
import { QUICK_JOIN_PAGE } from '../common/ipc-contract.js';
import { QUICK_JOIN_SIZE, quickJoinPosition } from './quick-join.js';
import { APP_ORIGIN, secureWebPreferences } from './security/window-policy.js';

/** Opens the quick-join window from anywhere (the mute shortcut is in settings). */
export const QUICK_JOIN_SHORTCUT = 'CommandOrControl+Alt+J';

export interface QuickJoinWindow {
  open(tray: Tray | undefined): void;
  close(): void;
}

export function createQuickJoinWindow(preloadScript: string): QuickJoinWindow {
  let window: BrowserWindow | undefined;
  return {
    open(tray) {
      if (window !== undefined) {
        window.show();
        window.focus();
        return;
      }
      const bounds = tray?.getBounds() ?? null;
      const display = bounds === null ? screen.getPrimaryDisplay() : screen.getDisplayNearestPoint({ x: bounds.x, y: bounds.y });
      const at = quickJoinPosition(bounds, display.workArea);
      const w = new BrowserWindow({
        title: 'Join a meeting — meriMeet',
        ...QUICK_JOIN_SIZE,
        ...at,
        frame: false,
        alwaysOnTop: true,
        resizable: false,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        skipTaskbar: true,
        show: false,
        webPreferences: secureWebPreferences(preloadScript),
      });
      w.once('ready-to-show', () => {
        w.show();
        w.focus();
      });
      w.on('blur', () => w.close());
      w.on('closed', () => {
        window = undefined;
      });
      void w.loadURL(`${APP_ORIGIN}/${QUICK_JOIN_PAGE}`);
      window = w;
    },
    close() {
      window?.close();
    },
  };
}
