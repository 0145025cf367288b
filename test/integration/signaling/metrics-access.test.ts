/**
 * /metrics is opt-in: 404 on the public listener by default; with
 * --metrics-token, 401 without the bearer token and 200 with it; with
 * --metrics-port, served on a listener of its own on loopback.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpsGet } from '../support/https.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

function plainGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

describe('/metrics access', () => {
  it('is not served on the public listener by default', async () => {
    t = await startTestServer({ metricsToken: undefined });
    const reply = await httpsGet(t, '/metrics');
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('merimeet_');
    expect(t.server.metricsUrl).toBeNull();
  });

  it('needs the bearer token when one is set: 401 without or with a wrong one, 200 with it', async () => {
    t = await startTestServer({ metricsToken: 'the-right-token' });
    const none = await httpsGet(t, '/metrics', 5_000, {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).not.toContain('merimeet_');
    expect((await httpsGet(t, '/metrics', 5_000, { Authorization: 'Bearer the-wrong-token' })).status).toBe(401);
    expect((await httpsGet(t, '/metrics', 5_000, { Authorization: 'Basic the-right-token' })).status).toBe(401);
    const ok = await httpsGet(t, '/metrics', 5_000, { Authorization: 'Bearer the-right-token' });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('# TYPE merimeet_connections_open gauge');
  });

  it('serves a listener of its own on loopback with --metrics-port, and still not the public one', async () => {
    t = await startTestServer({ metricsToken: undefined, metricsPort: 0 });
    const url = t.server.metricsUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const reply = await plainGet(url);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('# TYPE merimeet_connections_open gauge');
    expect((await httpsGet(t, '/metrics')).status).toBe(404);
  });

  it('asks for the token on its own listener too, when one is set', async () => {
    t = await startTestServer({ metricsToken: 'tok', metricsPort: 0 });
    expect((await plainGet(t.server.metricsUrl!)).status).toBe(401);
    expect((await plainGet(t.server.metricsUrl!, { Authorization: 'Bearer tok' })).status).toBe(200);
  });
});
