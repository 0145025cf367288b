/**
 * Serves the built web client: files under the web root, and index.html for
 * any extension-less path so the single-page app can route it.
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contentTypeFor } from './content-types.js';
import { resolveStaticPath } from './static-path.js';

/** The web root, fully resolved, or undefined while there is no built client there. */
export async function existingRoot(webRoot: string | undefined): Promise<string | undefined> {
  if (webRoot === undefined) return undefined;
  try {
    const root = await realpath(webRoot);
    return (await stat(root)).isDirectory() ? root : undefined;
  } catch {
    return undefined;
  }
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, rawPath: string): Promise<void> {
  const target = resolveStaticPath(root, rawPath);
  if (!target.ok) return sendText(res, target.status, target.status === 400 ? 'bad request' : 'not found');

  let file = target.file;
  let info = await fileStats(file, root);
  if (!info && !target.hasExtension) {
    file = join(root, 'index.html');
    info = await fileStats(file, root);
  }
  if (!info) return sendText(res, 404, 'not found');

  // Weak validator from size and mtime: cheap, and enough for files that only change on a rebuild.
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', info.mtime.toUTCString());
  // Revalidate every time: after an upgrade the client must not mix old and new files.
  res.setHeader('Cache-Control', 'no-cache');
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypeFor(file));
  res.setHeader('Content-Length', info.size);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(file), res);
  } catch (err) {
    // A client that goes away mid-download is normal, not a server fault.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

/** Stats of a regular file that really lies under root (symlinks included), else undefined. */
async function fileStats(file: string, root: string): Promise<Stats | undefined> {
  try {
    const real = await realpath(file);
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
    const info = await stat(real);
    return info.isFile() ? info : undefined;
  } catch {
    return undefined;
  }
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
