/**
 * A file name from another participant, made safe to show and to offer for
 * saving on any OS: whatever a hostile sender puts in it, the result is one
 * plain name — no directories, no control or bidi-override characters, no
 * Windows device names, no trailing dots or spaces, not empty, bounded.
 */

/** Longest name we keep, in UTF-16 code units (file systems allow 255 bytes; leave room for " (2)"). */
export const MAX_FILE_NAME = 120;
const FALLBACK = 'file';

// Windows refuses these as names, with any extension (CON.txt is the console).
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
// C0/C1 controls, bidi overrides and isolates (they can disguise "exe.txt" as "txt.exe"), zero-width characters.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// Separators and characters Windows forbids in names.
const FORBIDDEN = /[\\/:*?"<>|]/g;

export function sanitizeFileName(raw: string): string {
  // Only the last path component: "../../etc/passwd" → "passwd", "C:\\x\\y.txt" → "y.txt".
  const last = raw.split(/[\\/]/).pop() ?? '';
  let name = last.normalize('NFC').replace(INVISIBLE, '').replace(FORBIDDEN, '_').trim();
  // No leading dots (hidden files, "..") and no trailing dots or spaces (Windows strips them).
  name = name.replace(/^\.+/, '').replace(/[. ]+$/, '');
  if (name.length > MAX_FILE_NAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, MAX_FILE_NAME - ext.length).replace(/[. ]+$/, '') + ext;
  }
  const stem = name.split('.')[0] ?? '';
  if (RESERVED.test(stem)) name = `_${name}`;
  return name === '' ? FALLBACK : name;
}
