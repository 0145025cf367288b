/**
 * Keyboard accelerators as Electron's globalShortcut takes them
 * (`CommandOrControl+Shift+M`): parsed, checked and written in one canonical
 * form, so the settings screen (which records a key press) and main (which
 * registers it) agree on what a shortcut is. Environment-free.
 *
 * A global shortcut needs at least one modifier other than Shift (a bare key
 * or Shift+key would fire while the person types anywhere on the computer),
 * and exactly one non-modifier key.
 */

export const MODIFIERS = ['CommandOrControl', 'Alt', 'Shift', 'Super'] as const;
export type Modifier = (typeof MODIFIERS)[number];

/** Electron's accepted spellings for each modifier, lowercased. */
const MODIFIER_ALIASES: Record<string, Modifier> = {
  commandorcontrol: 'CommandOrControl',
  cmdorctrl: 'CommandOrControl',
  control: 'CommandOrControl',
  ctrl: 'CommandOrControl',
  command: 'CommandOrControl',
  cmd: 'CommandOrControl',
  alt: 'Alt',
  option: 'Alt',
  altgr: 'Alt',
  shift: 'Shift',
  super: 'Super',
  meta: 'Super',
};

const NAMED_KEYS = [
  'Space', 'Tab', 'Backspace', 'Delete', 'Insert', 'Return', 'Enter', 'Up', 'Down', 'Left', 'Right',
  'Home', 'End', 'PageUp', 'PageDown', 'Escape', 'Plus', 'numadd', 'numsub', 'nummult', 'numdiv', 'numdec',
] as const;

function canonicalKey(raw: string): string | null {
  if (/^[A-Za-z0-9]$/.test(raw)) return raw.toUpperCase();
  if (/^F([1-9]|1[0-9]|2[0-4])$/i.test(raw)) return raw.toUpperCase();
  if (/^num[0-9]$/i.test(raw)) return raw.toLowerCase();
  if (/^[`\-=[\];',./\\]$/.test(raw)) return raw;
  const named = NAMED_KEYS.find((k) => k.toLowerCase() === raw.toLowerCase());
  if (named === undefined) return null;
  return named === 'Enter' ? 'Return' : named;
}

export type AcceleratorCheck = { ok: true; accelerator: string } | { ok: false; reason: string };

/** Parses `s` and returns its canonical spelling, or why it is not a usable global shortcut. */
export function normaliseAccelerator(s: string): AcceleratorCheck {
  if (s.length === 0 || s.length > 60) return { ok: false, reason: 'a shortcut is 1 to 60 characters' };
  const parts = s.split('+');
  // "Ctrl+Plus" is how a plus key is written; an empty part means a stray "+".
  if (parts.some((p) => p.trim() === '')) return { ok: false, reason: 'write the plus key as "Plus"' };
  const modifiers = new Set<Modifier>();
  let key: string | null = null;
  for (const part of parts.map((p) => p.trim())) {
    const modifier = MODIFIER_ALIASES[part.toLowerCase()];
    if (modifier !== undefined) {
      if (modifiers.has(modifier)) return { ok: false, reason: `${modifier} appears twice` };
      modifiers.add(modifier);
      continue;
    }
    if (key !== null) return { ok: false, reason: 'a shortcut has exactly one key besides its modifiers' };
    key = canonicalKey(part);
    if (key === null) return { ok: false, reason: `"${part.slice(0, 20)}" is not a key a shortcut can use` };
  }
  if (key === null) return { ok: false, reason: 'a shortcut needs a key besides its modifiers' };
  if (![...modifiers].some((m) => m !== 'Shift')) {
    return { ok: false, reason: 'a global shortcut needs Ctrl, Alt or Super, or it would fire while you type' };
  }
  const ordered = MODIFIERS.filter((m) => modifiers.has(m));
  return { ok: true, accelerator: [...ordered, key].join('+') };
}

export function isAccelerator(s: string): boolean {
  const check = normaliseAccelerator(s);
  return check.ok && check.accelerator === s;
}

/** The keys a page's KeyboardEvent names, as an accelerator (for recording a shortcut); null while only modifiers are held. */
export function acceleratorFromKeyEvent(e: {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}): string | null {
  let key: string | null = null;
  if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
  else if (/^F([1-9]|1[0-9]|2[0-4])$/.test(e.code)) key = e.code;
  else if (e.code === 'Space') key = 'Space';
  else {
    const fromKey: Record<string, string> = { ArrowUp: 'Up', ArrowDown: 'Down', ArrowLeft: 'Left', ArrowRight: 'Right', Enter: 'Return' };
    key = fromKey[e.key] ?? canonicalKey(e.key);
  }
  if (key === null || ['Control', 'Shift', 'Alt', 'Meta'].includes(e.key)) return null;
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('CommandOrControl');
  if (e.altKey) parts.push('Alt');
  if (e.shiftKey) parts.push('Shift');
  return [...parts, key].join('+');
}

/** The default global mute shortcut. */
export const DEFAULT_MUTE_SHORTCUT = 'CommandOrControl+Shift+M';
