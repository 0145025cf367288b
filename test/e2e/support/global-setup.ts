/**
 * Starts the one real signaling server every end-to-end test talks to: real
 * TLS (a self-signed certificate made for this run), real SQLite in a fresh
 * temp dir, serving the built web client from dist/web. It runs inside the
 * Playwright runner process; workers learn where it is from the environment
 * (Playwright hands variables set here to them). The returned function is the
 * teardown: it stops the server and removes its data.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../../../signaling/src/server.js';
import { SERVER_CA_ENV, SERVER_URL_ENV } from './server-env.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const webRoot = resolve('dist/web');
  if (!existsSync(join(webRoot, 'index.html'))) {
    throw new Error(`no built web client in ${webRoot}: run the suite through \`npm run test:e2e\` (it builds first)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'merimeet-e2e-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, webRoot, logLevel: 'error' });
  process.env[SERVER_URL_ENV] = server.url;
  process.env[SERVER_CA_ENV] = server.certificatePem ?? '';
  return async () => {
    await server.shutdown({ drainMs: 500 });
    rmSync(dataDir, { recursive: true, force: true });
  };
}
