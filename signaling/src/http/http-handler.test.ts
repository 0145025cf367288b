import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { ServerMetrics } from '../observability/metrics.js';
import { createHttpHandler } from './http-handler.js';
import type { MetricsAccess } from './metrics-access.js';

/** Written out here, not imported, so a change to the policy has to change this test too. */
const EXPECTED_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self' wss:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(self), microphone=(self), display-capture=(self)',
};

const SECRET = 'TOP-SECRET-OUTSIDE-THE-WEB-ROOT';
const FILES: Record<string, [body: string, type: string]> = {
  'index.html': ['<!doctype html><title>meriMeet</title>', 'text/html; charset=utf-8'],
  'app.js': ['console.log(1)', 'text/javascript; charset=utf-8'],
  'app.js.map': ['{"version":3}', 'application/json; charset=utf-8'],
  'style.css': ['body{}', 'text/css; charset=utf-8'],
  'icon.svg': ['<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'],
  'logo.png': ['png', 'image/png'],
  'favicon.ico': ['ico', 'image/x-icon'],
  'manifest.json': ['{}', 'application/json; charset=utf-8'],
  'assets/font.woff2': ['woff2', 'font/woff2'],
  'engine.wasm': ['wasm', 'application/wasm'],
};

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let dir: string;
let webRoot: string;
let draining = false;
const metrics = new ServerMetrics();
const silent = createLogger({ level: 'silent' });
const servers: Server[] = [];

async function listen(webRootOption: string | undefined, metricsAccess: MetricsAccess = { kind: 'open' }): Promise<number> {
  const handler = createHttpHandler({
    metrics,
    metricsAccess,
    webRoot: webRootOption,
    logger: silent,
    health: () => ({ status: draining ? 'draining' : 'ok', connections: 3 }),
  });
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends the path byte for byte (no URL normalisation on the way), as an attacker would. */
function fetchRaw(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'merimeet-http-'));
  webRoot = join(dir, 'web');
  await mkdir(join(webRoot, 'assets'), { recursive: true });
  for (const [name, [body]] of Object.entries(FILES)) await writeFile(join(webRoot, name), body);
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await writeFile(join(webRoot, '.env'), SECRET);
  if (process.platform !== 'win32') await symlink(join(dir, 'secret.txt'), join(webRoot, 'leak.txt'));
});
afterEach(() => {
  draining = false;
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await rm(dir, { recursive: true, force: true });
});

describe('health and metrics', () => {
  it('GET /healthz answers 200 with the health as JSON, never cached', async () => {
    const port = await listen(undefined);
    const reply = await fetchRaw(port, '/healthz');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok', connections: 3 });
  });

  it('GET /healthz answers 503 while draining, so a load balancer stops sending people', async () => {
    const port = await listen(undefined);
    draining = true;
    const reply = await fetchRaw(port, '/healthz?probe=1');
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'draining' });
  });

  it('GET /metrics answers Prometheus text that reflects the counters, never cached', async () => {
    const port = await listen(webRoot);
    metrics.loginFailures.inc();
    const reply = await fetchRaw(port, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toMatch(/^merimeet_login_failures_total [1-9]/m);
  });
});

describe('/metrics access', () => {
  it('is a plain 404 when metrics are off (the default)', async () => {
    const handler = createHttpHandler({ metrics, logger: silent, health: () => ({ status: 'ok' }) });
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const reply = await fetchRaw((server.address() as AddressInfo).port, '/metrics');
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('merimeet_');
  });

  it('with a token: 401 without it, with another, or with another scheme; 200 with it', async () => {
    const port = await listen(undefined, { kind: 'token', token: 's3cret-token' });
    expect((await fetchRaw(port, '/metrics')).status).toBe(401);
    expect((await fetchRaw(port, '/metrics', 'GET', { Authorization: 'Bearer s3cret-tokem' })).status).toBe(401);
    expect((await fetchRaw(port, '/metrics', 'GET', { Authorization: 'Bearer s3cret-token-and-more' })).status).toBe(401);
    expect((await fetchRaw(port, '/metrics', 'GET', { Authorization: 'Basic s3cret-token' })).status).toBe(401);
    const ok = await fetchRaw(port, '/metrics', 'GET', { Authorization: 'Bearer s3cret-token' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^merimeet_/m);
  });
});

describe('security headers', () => {
  it.each([
    ['health', '/healthz', 'GET'],
    ['metrics', '/metrics', 'GET'],
    ['a static file', '/app.js', 'GET'],
    ['the SPA fallback', '/m/abc-defg-hjk', 'GET'],
    ['a 404', '/nope.js', 'GET'],
    ['a refused traversal', '/../secret.txt', 'GET'],
    ['a 405', '/', 'POST'],
    ['a HEAD', '/index.html', 'HEAD'],
  ])('are on %s', async (_name, path, method) => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, path, method);
    expect(reply.headers).toMatchObject(EXPECTED_HEADERS);
  });

  it('are on the page shown when no web client is built', async () => {
    const port = await listen(undefined);
    expect((await fetchRaw(port, '/')).headers).toMatchObject(EXPECTED_HEADERS);
  });
});

describe('static web client', () => {
  it.each(Object.entries(FILES))('serves %s with its content type', async (name, [body, type]) => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, `/${name}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
    expect(reply.body).toBe(body);
  });

  it('serves index.html at /', async () => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, '/');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(FILES['index.html']![0]);
  });

  it('falls back to index.html for app routes without an extension', async () => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, '/m/abc-defg-hjk?x=1');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.body).toBe(FILES['index.html']![0]);
  });

  it('answers 404 for a missing file with an extension', async () => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, '/assets/missing.js');
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('<!doctype');
  });

  it('answers HEAD with the headers and length but no body', async () => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, '/app.js', 'HEAD');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(FILES['app.js']![0].length));
    expect(reply.body).toBe('');
  });

  it('answers 304 when the client already has the file', async () => {
    const port = await listen(webRoot);
    const first = await fetchRaw(port, '/style.css');
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    const again = await fetchRaw(port, '/style.css', 'GET', { 'If-None-Match': etag! });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2E%2E/secret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/index.html%00',
    '/%00../secret.txt',
    '/.env',
    '/%2eenv',
  ])('refuses %s and never shows what lies outside', async (path) => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, path);
    expect([400, 404]).toContain(reply.status);
    expect(reply.body).not.toContain(SECRET);
  });

  it.runIf(process.platform !== 'win32')('does not follow a symlink out of the web root', async () => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, '/leak.txt');
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain(SECRET);
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])('answers %s with 405 and says what is allowed', async (method) => {
    const port = await listen(webRoot);
    const reply = await fetchRaw(port, '/healthz', method);
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });
});

describe('without a web client', () => {
  it.each([
    ['no --web-root', undefined],
    ['a --web-root that does not exist', '/definitely/not/here'],
  ])('with %s, / says this is a signaling server and the client is not built', async (_name, root) => {
    const port = await listen(root);
    const reply = await fetchRaw(port, '/');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.body).toMatch(/meriMeet signaling server/);
    expect(reply.body).toMatch(/not built/);
    expect((await fetchRaw(port, '/app.js')).status).toBe(404);
    expect((await fetchRaw(port, '/m/abc-defg-hjk')).status).toBe(404);
  });
});
