/** Plain HTTPS requests to a test server (health, metrics), trusting only its own certificate. */
import { request } from 'node:https';
import type { TestServer } from './test-server.js';

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET over https; /metrics carries the test server's bearer token unless `headers` says otherwise. */
export function httpsGet(t: TestServer, path: string, timeoutMs = 10_000, headers?: Record<string, string>): Promise<HttpsReply> {
  const { hostname, port } = new URL(t.url);
  const auth: Record<string, string> =
    path.startsWith('/metrics') && t.metricsToken !== undefined ? { Authorization: `Bearer ${t.metricsToken}` } : {};
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', ca: t.ca, timeout: timeoutMs, headers: headers ?? auth }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The value of one sample in Prometheus text exposition, e.g.
 * metricValue(body, 'merimeet_closes_total', { code: '4009' }). Undefined when absent.
 */
export function metricValue(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}
