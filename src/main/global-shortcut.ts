/**
 * The global mute shortcut: one accelerator, registered with Electron's
 * globalShortcut (a parameter here), rebindable from settings.
 *
 * A new binding is refused, with the reason, when it
 *   - is not a usable global shortcut (src/common/accelerator.ts);
 *   - is one the operating system or every app reserves (copy, quit, close,
 *     switch windows, lock the screen…);
 *   - is one of the meeting window's own shortcuts (src/renderer/ui/shortcuts.ts),
 *     which a global registration would steal from the window;
 *   - cannot be registered: another application holds it.
 * A refused binding leaves the previous one working.
 */
import { normaliseAccelerator } from '../common/accelerator.js';

/** The part of Electron's globalShortcut used here. */
export interface ShortcutRegistrar {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

/** Accelerators the system or common apps own, with what they do (shown to the person). */
export const RESERVED_SHORTCUTS: Readonly<Record<string, string>> = {
  'CommandOrControl+C': 'copies',
  'CommandOrControl+V': 'pastes',
  'CommandOrControl+X': 'cuts',
  'CommandOrControl+Z': 'undoes',
  'CommandOrControl+A': 'selects all',
  'CommandOrControl+S': 'saves',
  'CommandOrControl+Q': 'quits apps on macOS',
  'CommandOrControl+W': 'closes windows and tabs',
  'CommandOrControl+Tab': 'switches tabs',
  'Alt+Tab': 'switches windows',
  'Alt+F4': 'closes windows',
  'CommandOrControl+Alt+Delete': 'is the system’s secure attention key',
  'CommandOrControl+Alt+T': 'opens a terminal on many Linux desktops',
  'Super+L': 'locks the screen',
  'Super+D': 'shows the desktop',
  'Super+Tab': 'switches windows',
};

/** The meeting window's own shortcuts (src/renderer/ui/shortcuts.ts), as accelerators. */
export const WINDOW_SHORTCUTS: Readonly<Record<string, string>> = {
  'CommandOrControl+D': 'mutes in the meeting window',
  'CommandOrControl+E': 'turns the camera on or off in the meeting window',
  'CommandOrControl+H': 'raises your hand in the meeting window',
  'CommandOrControl+Shift+C': 'opens chat in the meeting window',
  'CommandOrControl+Shift+P': 'opens participants in the meeting window',
  'CommandOrControl+Shift+E': 'shares your screen in the meeting window',
};

export type ShortcutResult = { ok: true; accelerator: string | null } | { ok: false; reason: string };

export interface MuteShortcut {
  /** The accelerator registered now, or null. */
  current(): string | null;
  /** Binds `accelerator` (null: none), or says why not and keeps the old binding. */
  set(accelerator: string | null): ShortcutResult;
}

/** Why `accelerator` cannot be the mute shortcut without even trying to register it, or null. */
export function shortcutConflict(accelerator: string): string | null {
  const check = normaliseAccelerator(accelerator);
  if (!check.ok) return check.reason;
  const reserved = RESERVED_SHORTCUTS[check.accelerator];
  if (reserved !== undefined) return `${check.accelerator} ${reserved}`;
  const window = WINDOW_SHORTCUTS[check.accelerator];
  if (window !== undefined) return `${check.accelerator} already ${window}`;
  return null;
}

export function createMuteShortcut(registrar: ShortcutRegistrar, onTrigger: () => void): MuteShortcut {
  let current: string | null = null;
  return {
    current: () => current,
    set(accelerator) {
      if (accelerator === null) {
        if (current !== null) registrar.unregister(current);
        current = null;
        return { ok: true, accelerator: null };
      }
      const conflict = shortcutConflict(accelerator);
      if (conflict !== null) return { ok: false, reason: conflict };
      const wanted = normaliseAccelerator(accelerator);
      if (!wanted.ok) return { ok: false, reason: wanted.reason };
      if (wanted.accelerator === current) return { ok: true, accelerator: current };
      const previous = current;
      if (previous !== null) registrar.unregister(previous);
      if (registrar.register(wanted.accelerator, onTrigger)) {
        current = wanted.accelerator;
        return { ok: true, accelerator: current };
      }
      // Someone else holds it: put the old binding back.
      if (previous !== null && !registrar.register(previous, onTrigger)) current = null;
      return { ok: false, reason: `${wanted.accelerator} is used by another application` };
    },
  };
}
