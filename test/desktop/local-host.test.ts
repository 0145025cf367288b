/**
 * "Host on this computer" with the REAL signaling server CLI as the child
 * (spawned like the app's utilityProcess would fork it), the real settings
 * store and the real certificate gate: the server's own certificate ends up
 * pinned, and a TLS connection presenting it is accepted without a prompt.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLI } from '../integration/support/server-process.js';

vi.mock('electron', () => ({ default: { app: undefined, ipcMain: undefined, shell: {} } }));
const { createLocalHost, parseListening, LOCAL_SERVER_NAME } = await import('../../src/main/local-host.js');
const { openSettings } = await import('../../src/main/settings.js');
const { createCertificateGate, VERIFY_ACCEPT } = await import('../../src/main/security/cert-pinning.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'merimeet-local-host-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('host on this computer', () => {
  it('parses the line the CLI prints, and nothing else', () => {
    const fp = `${'0A:'.repeat(31)}FF`;
    expect(parseListening(`listening on wss://127.0.0.1:8443/ws  certificate SHA-256 ${fp}\n`)).toEqual({
      server: 'wss://127.0.0.1:8443/ws',
      fingerprint: fp,
    });
    expect(parseListening(`on wss://0.0.0.0:8443/ws  certificate SHA-256 ${fp}`)?.server).toBe('wss://localhost:8443/ws');
    expect(parseListening('listening on wss://x/ws (TLS is the reverse proxy’s job)')).toBeNull();
  });

  it('starts the real server, pins its certificate and adds it as the default server; stops it again', async () => {
    const settings = openSettings({ cwd: join(dir, 'settings'), appVersion: '0.1.0' });
    const prompts: unknown[] = [];
    const certificates = createCertificateGate(settings, (e) => prompts.push(e));
    const children: ReturnType<typeof spawn>[] = [];
    const host = createLocalHost({
      fork: (args) => {
        const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        children.push(child);
        return child;
      },
      dataDir: join(dir, 'server'),
      certificates,
      settings,
      listen: { host: '127.0.0.1', port: 0 },
    });
    try {
      const { server, fingerprint } = await host.start();
      expect(server).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
      expect(await host.start()).toEqual({ server, fingerprint }); // idempotent
      expect(children).toHaveLength(1);
      expect(settings.get()).toMatchObject({ servers: [{ url: server, name: LOCAL_SERVER_NAME }], defaultServer: server });
      // The certificate the server made is the one pinned, and it is accepted without a prompt.
      const cert = await readFile(join(dir, 'server', 'tls', 'cert.pem'), 'utf8');
      expect(settings.getPin('127.0.0.1')).toBe(fingerprint);
      expect(certificates.verify({ hostname: '127.0.0.1', errorCode: -202, certificate: { data: cert } })).toBe(VERIFY_ACCEPT);
      expect(prompts).toEqual([]);
    } finally {
      await host.stop();
    }
    expect(children[0]?.exitCode !== null || children[0]?.signalCode !== null).toBe(true);
  });
});
