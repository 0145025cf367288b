/**
 * Maps a request path onto a file under the web root, refusing anything that
 * could reach outside it. Pure string work; the caller still checks symlinks
 * with realpath.
 */
import { join, sep } from 'node:path';

export type StaticPath =
  | { ok: true; file: string; hasExtension: boolean }
  /** 400: a path no browser would send (bad escapes, NUL, `..`, backslashes). 404: hidden files. */
  | { ok: false; status: 400 | 404 };

/**
 * @param root absolute, already-resolved web root
 * @param rawPath the request target's path, still percent-encoded, query removed
 */
export function resolveStaticPath(root: string, rawPath: string): StaticPath {
  if (!rawPath.startsWith('/')) return { ok: false, status: 400 };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  // NUL truncates paths in C below us; a backslash or colon is a separator or stream name on Windows.
  if (/[\0\\:]/.test(decoded)) return { ok: false, status: 400 };
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  // Refuse rather than normalise: normalising `/a/../b` would hide an attack in the logs as an ordinary hit.
  if (segments.includes('..')) return { ok: false, status: 400 };
  // Dotfiles (.git, .env, editor leftovers) are never part of a built client.
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, status: 404 };
  const file = join(root, ...segments);
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return { ok: false, status: 400 };
  const last = segments.at(-1) ?? '';
  return { ok: true, file, hasExtension: last.includes('.') };
}
