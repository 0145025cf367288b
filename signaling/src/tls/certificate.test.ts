import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { request, createServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTlsMaterial } from './certificate.js';

const posix = process.platform !== 'win32';
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'merimeet-tls-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function plant(opts: { notAfter: Date; names?: string[] }): Promise<void> {
  const names = opts.names ?? ['localhost', '127.0.0.1', '::1'];
  const pems = await generate([{ name: 'commonName', value: 'planted' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 400 * 24 * 3600_000),
    notAfterDate: opts.notAfter,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
      },
    ],
  });
  await mkdir(join(dataDir, 'tls'), { recursive: true, mode: 0o700 });
  await writeFile(join(dataDir, 'tls', 'cert.pem'), pems.cert);
  await writeFile(join(dataDir, 'tls', 'key.pem'), pems.private, { mode: 0o600 });
}

describe('self-signed certificate', () => {
  it('is created on first start and reused, unchanged, on the next', async () => {
    const first = await loadTlsMaterial({ dataDir });
    const second = await loadTlsMaterial({ dataDir });
    expect(first.selfSigned).toBe(true);
    expect(first.renewed).toBe(false);
    expect(first.notes.join()).toMatch(/created/);
    expect(second.fingerprint256).toBe(first.fingerprint256);
    expect(second.cert).toBe(first.cert);
    expect(second.notes).toEqual([]);
    expect(first.path).toBe(join(dataDir, 'tls', 'cert.pem'));
  });

  it("reports the fingerprint exactly as node's X509Certificate does", async () => {
    const tls = await loadTlsMaterial({ dataDir });
    const onDisk = await readFile(tls.path, 'utf8');
    expect(tls.fingerprint256).toBe(new X509Certificate(onDisk).fingerprint256);
    expect(tls.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it.runIf(posix)('keeps the key private: key file 0600, directory 0700', async () => {
    await loadTlsMaterial({ dataDir });
    expect((await stat(join(dataDir, 'tls', 'key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'tls'))).mode & 0o777).toBe(0o700);
  });

  it.runIf(posix)('tightens a stored key that someone made world-readable', async () => {
    await loadTlsMaterial({ dataDir });
    await chmod(join(dataDir, 'tls', 'key.pem'), 0o644);
    await loadTlsMaterial({ dataDir });
    expect((await stat(join(dataDir, 'tls', 'key.pem'))).mode & 0o777).toBe(0o600);
  });

  it('leaves no temp files behind', async () => {
    await loadTlsMaterial({ dataDir });
    expect((await readdir(join(dataDir, 'tls'))).sort()).toEqual(['cert.pem', 'key.pem']);
  });

  it('names localhost, the loopback addresses and the given host, valid for about a year with a modern key', async () => {
    const tls = await loadTlsMaterial({ dataDir, hostnames: ['meet.example.org', '0.0.0.0'] });
    const x509 = new X509Certificate(tls.cert);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkHost('meet.example.org')).toBe('meet.example.org');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBeDefined();
    expect(x509.subjectAltName).not.toContain('0.0.0.0');
    const days = (tls.notAfter.getTime() - Date.now()) / (24 * 3600_000);
    expect(days).toBeGreaterThan(360);
    expect(days).toBeLessThan(370);
    expect(x509.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('is renewed, and says so, when within 7 days of expiry', async () => {
    await plant({ notAfter: new Date(Date.now() + 3 * 24 * 3600_000) });
    const planted = new X509Certificate(await readFile(join(dataDir, 'tls', 'cert.pem'))).fingerprint256;
    const tls = await loadTlsMaterial({ dataDir });
    expect(tls.renewed).toBe(true);
    expect(tls.notes.join()).toMatch(/expires/);
    expect(tls.fingerprint256).not.toBe(planted);
    expect(tls.notAfter.getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 3600_000);
  });

  it('is renewed when already expired', async () => {
    await plant({ notAfter: new Date(Date.now() - 1000) });
    const tls = await loadTlsMaterial({ dataDir });
    expect(tls.renewed).toBe(true);
    expect(tls.notes.join()).toMatch(/expired/);
  });

  it('is kept when it has more than a week left', async () => {
    await plant({ notAfter: new Date(Date.now() + 30 * 24 * 3600_000) });
    const planted = new X509Certificate(await readFile(join(dataDir, 'tls', 'cert.pem'))).fingerprint256;
    const tls = await loadTlsMaterial({ dataDir });
    expect(tls.renewed).toBe(false);
    expect(tls.fingerprint256).toBe(planted);
  });

  it('is replaced when a crash left a key that does not match the certificate', async () => {
    const first = await loadTlsMaterial({ dataDir });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(join(dataDir, 'tls', 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const second = await loadTlsMaterial({ dataDir });
    expect(second.renewed).toBe(true);
    expect(second.fingerprint256).not.toBe(first.fingerprint256);
    expect(new X509Certificate(second.cert).checkPrivateKey(createPrivateKey(second.key))).toBe(true);
  });

  it('is replaced when the server is now told a host name the stored one does not carry', async () => {
    const first = await loadTlsMaterial({ dataDir });
    const second = await loadTlsMaterial({ dataDir, hostnames: ['192.168.7.7'] });
    expect(second.renewed).toBe(true);
    expect(second.fingerprint256).not.toBe(first.fingerprint256);
    expect(new X509Certificate(second.cert).checkIP('192.168.7.7')).toBe('192.168.7.7');
  });

  it('serves TLS: a client pinning the certificate connects and sees that fingerprint', async () => {
    const tls = await loadTlsMaterial({ dataDir });
    const server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, (_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { body, peer } = await new Promise<{ body: string; peer: PeerCertificate }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', ca: tls.cert, servername: 'localhost' }, (res) => {
          const peerCert = (res.socket as TLSSocket).getPeerCertificate();
          let data = '';
          res.on('data', (chunk: Buffer) => (data += chunk.toString()));
          res.on('end', () => resolve({ body: data, peer: peerCert }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('hello');
      expect(peer.fingerprint256).toBe(tls.fingerprint256);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('operator-provided certificate', () => {
  async function writePair(): Promise<{ certPath: string; keyPath: string; fingerprint: string }> {
    const pems = await generate([{ name: 'commonName', value: 'meet.example.org' }], { keyType: 'ec', algorithm: 'sha256' });
    const certPath = join(dataDir, 'fullchain.pem');
    const keyPath = join(dataDir, 'privkey.pem');
    await writeFile(certPath, pems.cert);
    await writeFile(keyPath, pems.private);
    return { certPath, keyPath, fingerprint: new X509Certificate(pems.cert).fingerprint256 };
  }

  it('is read from the given paths, and nothing is generated', async () => {
    const pair = await writePair();
    const tls = await loadTlsMaterial({ certPath: pair.certPath, keyPath: pair.keyPath, dataDir });
    expect(tls.fingerprint256).toBe(pair.fingerprint);
    expect(tls.path).toBe(pair.certPath);
    expect(tls.renewed).toBe(false);
    await expect(stat(join(dataDir, 'tls'))).rejects.toThrow();
  });

  it('is refused when the key belongs to another certificate', async () => {
    const pair = await writePair();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    await writeFile(pair.keyPath, other);
    await expect(loadTlsMaterial({ certPath: pair.certPath, keyPath: pair.keyPath, dataDir })).rejects.toThrow(
      /does not belong to the certificate/,
    );
  });

  it('is refused, naming the file, when unreadable', async () => {
    const pair = await writePair();
    const missing = join(dataDir, 'nope.pem');
    await expect(loadTlsMaterial({ certPath: missing, keyPath: pair.keyPath, dataDir })).rejects.toThrow(
      /cannot read the certificate .*nope\.pem.*ENOENT/,
    );
  });

  it('is refused when a file is not PEM', async () => {
    const pair = await writePair();
    await writeFile(pair.certPath, 'not a certificate');
    await expect(loadTlsMaterial({ certPath: pair.certPath, keyPath: pair.keyPath, dataDir })).rejects.toThrow(
      /not a PEM certificate/,
    );
    const pair2 = await writePair();
    await writeFile(pair2.keyPath, pair2.keyPath);
    await expect(loadTlsMaterial({ certPath: pair2.certPath, keyPath: pair2.keyPath, dataDir })).rejects.toThrow(
      /not a PEM private key/,
    );
  });

  it('is refused when only one of the pair is given', async () => {
    const pair = await writePair();
    await expect(loadTlsMaterial({ certPath: pair.certPath, dataDir })).rejects.toThrow(/go together/);
  });
});
