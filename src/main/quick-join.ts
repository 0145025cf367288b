/**
 * The tray's quick-join window, main's side: what the small window may ask
 * (whether the person is signed in, the recent meetings) and what its
 * answers do. The window never sees a secret: a recent meeting is rejoined by
 * id, and main fetches its password from the keychain and hands it to the
 * main window only. Joining goes straight into the call, or to pre-join when
 * the person turned "Quick join goes straight into the call" off.
 *
 * The window itself (frameless, always on top, closed on blur) is Electron
 * glue in index.ts; `show`/`close`/`deliver` are parameters here.
 */
import type { QuickJoinRequest, TrayAction } from '../common/ipc-contract.js';
import type { Handlers } from './ipc/router.js';
import { KeychainUnavailableError, type Keychain } from './keychain.js';
import type { Settings } from './settings.js';

export interface QuickJoinDeps {
  settings: Settings;
  keychain: Keychain;
  /** Hands an action to the main window (showing it). */
  deliver(action: TrayAction): void;
  /** Closes the quick-join window. */
  close(): void;
}

async function orNull<T>(operation: () => Promise<T>): Promise<T | null> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof KeychainUnavailableError) return null; // no keychain: nothing remembered
    throw err;
  }
}

/** The main window's action for a quick-join request (a rejoin looks its password up). */
export async function quickJoinAction(request: QuickJoinRequest, deps: Pick<QuickJoinDeps, 'settings' | 'keychain'>): Promise<TrayAction> {
  const direct = deps.settings.get().preferences.quickJoinDirect;
  switch (request.kind) {
    case 'new-meeting':
      return { action: 'new-meeting' };
    case 'join':
      return { action: 'join', server: request.server, meetingId: request.meetingId, password: request.password, direct };
    case 'rejoin': {
      const password = await orNull(() => deps.keychain.recallMeetingPassword(request.server, request.meetingId));
      // Without a remembered password the main window asks for it on its home screen.
      return { action: 'join', server: request.server, meetingId: request.meetingId, password, direct: direct && password !== null };
    }
  }
}

export function createQuickJoinHandlers(deps: QuickJoinDeps): Pick<Handlers, 'quick-join:state' | 'quick-join:submit' | 'quick-join:close'> {
  return {
    'quick-join:state': async () => {
      const s = deps.settings.get();
      const token = s.defaultServer === null ? null : await orNull(() => deps.keychain.getSessionToken(s.defaultServer as string));
      return { signedIn: token !== null, server: s.defaultServer, recentMeetings: s.recentMeetings };
    },
    'quick-join:submit': async (request) => {
      const action = await quickJoinAction(request, deps);
      deps.close();
      deps.deliver(action);
      return null;
    },
    'quick-join:close': () => {
      deps.close();
      return null;
    },
  };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The quick-join window's size. */
export const QUICK_JOIN_SIZE = { width: 380, height: 480 };

/**
 * Where the quick-join window opens: next to the tray icon when the OS says
 * where that is (Windows, macOS), kept inside the work area; centred on it
 * otherwise (Linux trays do not report their bounds).
 */
export function quickJoinPosition(tray: Rect | null, workArea: Rect, size = QUICK_JOIN_SIZE): { x: number; y: number } {
  const clamp = (value: number, min: number, max: number) => Math.round(Math.min(Math.max(value, min), max));
  const maxX = workArea.x + workArea.width - size.width;
  const maxY = workArea.y + workArea.height - size.height;
  if (tray === null || tray.width === 0) {
    return { x: clamp(workArea.x + (workArea.width - size.width) / 2, workArea.x, maxX), y: clamp(workArea.y + (workArea.height - size.height) / 2, workArea.y, maxY) };
  }
  const x = tray.x + tray.width / 2 - size.width / 2;
  // A tray at the top of the screen (macOS menu bar): open below it; at the bottom (Windows taskbar): above it.
  const below = tray.y < workArea.y + workArea.height / 2;
  const y = below ? tray.y + tray.height + 4 : tray.y - size.height - 4;
  return { x: clamp(x, workArea.x, maxX), y: clamp(y, workArea.y, maxY) };
}
