/**
 * Everything on the server that is not the WebSocket: health, metrics and the
 * web client, each with the security headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { ServerMetrics } from '../observability/metrics.js';
import { bearerTokenMatches, type MetricsAccess } from './metrics-access.js';
import { applySecurityHeaders } from './security-headers.js';
import { existingRoot, sendText, serveStatic } from './static-files.js';

export { CONTENT_SECURITY_POLICY } from './security-headers.js';

export interface HttpHandlerOptions {
  metrics: ServerMetrics;
  /** The built web client; served when the directory exists (it may appear after start-up). */
  webRoot?: string;
  health: () => { status: 'ok' | 'draining' | 'degraded'; [k: string]: unknown };
  logger: Logger;
  /** Whether /metrics is served here, and to whom (http/metrics-access.ts). Off unless said. */
  metricsAccess?: MetricsAccess;
}

const NO_WEB_CLIENT =
  'This is a meriMeet signaling server.\n' +
  'The web client is not built here, so there is no page to show; desktop apps connect to this server directly.';

export function createHttpHandler(opts: HttpHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  if (opts.webRoot !== undefined) {
    void existingRoot(opts.webRoot).then((root) => {
      if (!root) opts.logger.warn({ event: 'web_root_missing', webRoot: opts.webRoot });
    });
  }

  return (req, res) => {
    handle(req, res, opts).catch((err: unknown) => {
      opts.logger.error({ event: 'http_failed', path: pathOf(req), err: String(err) });
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: HttpHandlerOptions): Promise<void> {
  applySecurityHeaders(res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'method not allowed');
    return;
  }
  const path = pathOf(req);

  if (path === '/healthz') {
    const health = opts.health();
    res.setHeader('Cache-Control', 'no-store');
    sendBody(res, health.status === 'ok' ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify(health));
    return;
  }
  const access: MetricsAccess = opts.metricsAccess ?? { kind: 'off' };
  if (path === '/metrics' && access.kind !== 'off') {
    if (access.kind === 'token' && !bearerTokenMatches(req, access.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      sendText(res, 401, 'a bearer token is needed for /metrics');
      return;
    }
    const { contentType, body } = await opts.metrics.render();
    res.setHeader('Cache-Control', 'no-store');
    sendBody(res, 200, contentType, body);
    return;
  }

  const root = await existingRoot(opts.webRoot);
  if (root) {
    await serveStatic(req, res, root, path);
    return;
  }
  if (path === '/') sendText(res, 200, NO_WEB_CLIENT);
  else sendText(res, 404, 'not found');
}

/** The path part of the request target, still percent-encoded; the query never matters here. */
function pathOf(req: IncomingMessage): string {
  const target = req.url ?? '/';
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

function sendBody(res: ServerResponse, status: number, contentType: string, text: string): void {
  const body = Buffer.from(text, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
