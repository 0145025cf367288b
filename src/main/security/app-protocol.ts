/**
 * Serves the app's own files (dist/desktop/renderer/) under `app://merimeet/`.
 *
 * Why a custom protocol: Vite emits a module script, and module scripts do not
 * load from file:// once the grantFileProtocolExtraPrivileges fuse is off. A
 * standard, secure scheme also gives the app a real origin, which the
 * permission handler and the IPC sender check compare against.
 *
 * Plain code over the Fetch API's Request/Response (what Electron's
 * `protocol.handle` passes and expects) and node:fs; index.ts registers it.
 */
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './window-policy.js';

/**
 * The window's Content-Security-Policy, sent as a header on every response
 * (index.html also carries the web client's policy as a <meta>; both apply).
 * No inline script or style, no eval (only WebAssembly compilation,
 * 'wasm-unsafe-eval', for the noise suppressor), no plugins, no frames; connections only
 * to wss: signaling servers; images from data:/blob: for picker thumbnails and
 * avatars; media from blob:/mediastream: for calls; workers only from the
 * app's own files (the frame-crypto worker of end-to-end encrypted SFU
 * meetings, src/renderer/engine/sfu/e2ee/frame-worker.ts), never blob: or data:.
 */
export const DESKTOP_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self' wss:",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The file under `root` that `url` names, or null when it names nothing servable. */
export function appFileFor(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (/[\0\\:]/.test(decoded)) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..') || segments.some((s) => s.startsWith('.'))) return null;
  if (segments.length === 0) segments.push('index.html');
  const file = join(root, ...segments);
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

function headers(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': DESKTOP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/**
 * Answers one request for `app://merimeet/…` from files under `root` (an
 * absolute path). GET only; a path that escapes the root (also through a
 * symlink), a dotfile or a missing file is a 404 with no detail.
 */
export async function handleAppRequest(root: string, request: Request): Promise<Response> {
  const notFound = () => new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405, headers: headers('text/plain; charset=utf-8') });
  }
  const file = appFileFor(root, request.url);
  if (file === null) return notFound();
  try {
    const realRoot = await realpath(root);
    const realFile = await realpath(file);
    if (!realFile.startsWith(realRoot + sep)) return notFound();
    const body = await readFile(realFile);
    const type = MIME[extname(realFile).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers(type) });
  } catch {
    return notFound();
  }
}
