/**
 * The meeting's keyboard shortcuts. Each is announced in the control's
 * `aria-keyshortcuts` and its tooltip (docs/ui-contract.md).
 */
export type ShortcutAction = 'mic' | 'camera' | 'hand' | 'chat' | 'participants' | 'screen';

export interface Shortcut {
  /** Lowercase letter. */
  key: string;
  shift: boolean;
  /** For aria-keyshortcuts. */
  aria: string;
  /** For tooltips. */
  label: string;
}

function shortcut(key: string, shift: boolean): Shortcut {
  const upper = key.toUpperCase();
  return {
    key,
    shift,
    aria: shift ? `Control+Shift+${upper}` : `Control+${upper}`,
    label: shift ? `Ctrl+Shift+${upper}` : `Ctrl+${upper}`,
  };
}

export const SHORTCUTS: Readonly<Record<ShortcutAction, Shortcut>> = {
  mic: shortcut('d', false),
  camera: shortcut('e', false),
  hand: shortcut('h', false),
  chat: shortcut('c', true),
  participants: shortcut('p', true),
  // As in Teams; Ctrl+Shift+S is taken by browsers (Firefox: screenshot).
  screen: shortcut('e', true),
};

/** The parts of a KeyboardEvent that matter here. */
export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat?: boolean;
}

/** The parts of the focused element that matter here. */
export interface FocusLike {
  tagName: string;
  type?: string;
  isContentEditable?: boolean;
}

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image']);

/** True when typing goes into the focused element, so letter shortcuts must not fire. */
export function isTextField(el: FocusLike | null | undefined): boolean {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((el.type ?? 'text').toLowerCase());
  return false;
}

/**
 * The action a key press asks for, `'escape'` for Escape, or null. Shortcuts
 * are ignored while typing in a text field (Escape still works) and on key
 * repeat (holding Ctrl+D must not flap the microphone).
 */
export function matchShortcut(event: KeyLike, inTextField: boolean): ShortcutAction | 'escape' | null {
  if (event.key === 'Escape' && !event.ctrlKey && !event.altKey && !event.metaKey) return 'escape';
  if (inTextField || event.repeat) return null;
  if (!event.ctrlKey || event.altKey || event.metaKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : '';
  // Non-Latin layouts: fall back to the physical key.
  const physical = event.code?.startsWith('Key') ? event.code.slice(3).toLowerCase() : '';
  for (const [action, s] of Object.entries(SHORTCUTS) as [ShortcutAction, Shortcut][]) {
    if (s.shift !== event.shiftKey) continue;
    if (key === s.key || (!/^[a-z]$/.test(key) && physical === s.key)) return action;
  }
  return null;
}
