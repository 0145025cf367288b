/**
 * The server's TLS certificate: the operator's own (--cert/--key), or a
 * self-signed one kept in the data directory. Clients of a self-signed server
 * trust it by pinning its SHA-256 fingerprint, so the same certificate must
 * survive restarts, and is only replaced when it can no longer be used.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';
import { writeFileAtomic } from './atomic-write.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** 'AA:BB:…' as X509Certificate.fingerprint256: what clients pin a self-signed server by. */
  fingerprint256: string;
  /** Clients cannot verify it through a CA, so they have to pin it. */
  selfSigned: boolean;
  /** Where the certificate lives. */
  path: string;
  notAfter: Date;
  /**
   * A stored self-signed certificate was replaced this start (expiring,
   * damaged, or not naming the host). Its fingerprint changed: clients that
   * pinned the old one will refuse the server until they trust the new one.
   */
  renewed: boolean;
  /** Plain sentences for the start-up log: what was made or replaced and why, or that a certificate is about to expire. */
  notes: string[];
}

export interface TlsOptions {
  certPath?: string;
  keyPath?: string;
  dataDir: string;
  /** Extra names for a self-signed certificate, besides localhost, 127.0.0.1 and ::1. */
  hostnames?: string[];
}

const DAY_MS = 24 * 3600_000;
/** Renew a week ahead, so a server restarted now and then never serves an expired certificate. */
export const RENEW_BEFORE_MS = 7 * DAY_MS;
const VALIDITY_MS = 365 * DAY_MS;
/** Start validity a little in the past: a client whose clock runs slow must not see "not yet valid". */
const BACKDATE_MS = 3600_000;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const IS_WINDOWS = process.platform === 'win32';

export async function loadTlsMaterial(opts: TlsOptions): Promise<TlsMaterial> {
  if (opts.certPath !== undefined || opts.keyPath !== undefined) {
    if (!opts.certPath || !opts.keyPath) throw new Error('TLS: --cert and --key go together');
    return loadProvided(resolve(opts.certPath), resolve(opts.keyPath));
  }
  return loadSelfSigned(resolve(opts.dataDir), opts.hostnames ?? []);
}

async function loadProvided(certPath: string, keyPath: string): Promise<TlsMaterial> {
  const cert = await readText(certPath, 'certificate');
  const key = await readText(keyPath, 'private key');
  const x509 = parseCertificate(cert, certPath);
  const privateKey = parsePrivateKey(key, keyPath);
  if (!x509.checkPrivateKey(privateKey)) {
    throw new Error(`TLS: the key in ${keyPath} does not belong to the certificate in ${certPath}`);
  }
  const notAfter = new Date(x509.validTo);
  const notes: string[] = [];
  const left = notAfter.getTime() - Date.now();
  // The operator owns renewal of their own certificate; say so loudly rather than refuse to start.
  if (left <= 0) notes.push(`certificate ${certPath} EXPIRED on ${notAfter.toISOString()}; clients will refuse it`);
  else if (left < RENEW_BEFORE_MS) notes.push(`certificate ${certPath} expires on ${notAfter.toISOString()}; renew it`);
  return {
    cert,
    key,
    fingerprint256: x509.fingerprint256,
    selfSigned: isSelfSigned(x509),
    path: certPath,
    notAfter,
    renewed: false,
    notes,
  };
}

async function loadSelfSigned(dataDir: string, hostnames: string[]): Promise<TlsMaterial> {
  const dir = join(dataDir, 'tls');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone.
  await restrictMode(dir, 0o700);
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const names = sanNames(hostnames);

  const stored = await assessStored(certFile, keyFile, names);
  if ('usable' in stored) {
    await restrictMode(keyFile, 0o600);
    const { cert, key, x509 } = stored.usable;
    return {
      cert,
      key,
      fingerprint256: x509.fingerprint256,
      selfSigned: true,
      path: certFile,
      notAfter: new Date(x509.validTo),
      renewed: false,
      notes: [],
    };
  }

  const made = await generateSelfSigned(names);
  // Key first: a crash between the two renames leaves a new key beside the old
  // certificate, which the next start sees as a mismatch and replaces. Never a torn file.
  await writeFileAtomic(keyFile, made.key, 0o600);
  await writeFileAtomic(certFile, made.cert, 0o644);
  const x509 = new X509Certificate(made.cert);
  const notAfter = new Date(x509.validTo);
  const renewed = stored.problem !== null;
  const what = renewed ? `replaced the self-signed certificate (${stored.problem})` : 'created a self-signed certificate';
  return {
    cert: made.cert,
    key: made.key,
    fingerprint256: x509.fingerprint256,
    selfSigned: true,
    path: certFile,
    notAfter,
    renewed,
    notes: [
      `${what} in ${certFile}, valid until ${notAfter.toISOString()}, for ${names.join(', ')}` +
        (renewed ? '; its fingerprint changed, so clients must trust it again' : ''),
    ],
  };
}

type Stored = { usable: { cert: string; key: string; x509: X509Certificate } } | { problem: string | null };

/** Whether the stored pair can serve again; if not, why (null: there is none yet). */
async function assessStored(certFile: string, keyFile: string, names: string[]): Promise<Stored> {
  const cert = await readIfPresent(certFile);
  const key = await readIfPresent(keyFile);
  if (cert === undefined && key === undefined) return { problem: null };
  if (cert === undefined || key === undefined) return { problem: 'only half of the pair was on disk' };
  let x509: X509Certificate;
  let privateKey: KeyObject;
  try {
    x509 = new X509Certificate(cert);
    privateKey = createPrivateKey(key);
  } catch {
    return { problem: 'the stored files were not a readable certificate and key' };
  }
  if (!x509.checkPrivateKey(privateKey)) return { problem: 'the stored key did not match the certificate' };
  const notAfter = new Date(x509.validTo);
  if (notAfter.getTime() <= Date.now()) return { problem: `it expired on ${notAfter.toISOString()}` };
  if (notAfter.getTime() - Date.now() < RENEW_BEFORE_MS) return { problem: `it expires on ${notAfter.toISOString()}` };
  const missing = names.find((name) => !covers(x509, name));
  if (missing !== undefined) return { problem: `it did not name ${missing}` };
  return { usable: { cert, key, x509 } };
}

async function generateSelfSigned(names: string[]): Promise<{ cert: string; key: string }> {
  const now = Date.now();
  const attrs = [
    { name: 'commonName', value: 'meriMeet signaling (self-signed)' },
    { name: 'organizationName', value: 'meriMeet' },
  ];
  const altNames = names.map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name }));
  const common = {
    notBeforeDate: new Date(now - BACKDATE_MS),
    notAfterDate: new Date(now + VALIDITY_MS),
    algorithm: 'sha256', // selfsigned's default is sha1, which nothing should accept any more
  };
  const extensions = (keyEncipherment: boolean) => [
    { name: 'basicConstraints' as const, cA: false },
    { name: 'keyUsage' as const, digitalSignature: true, keyEncipherment, critical: true },
    { name: 'extKeyUsage' as const, serverAuth: true },
    { name: 'subjectAltName' as const, altNames },
  ];
  let pems;
  try {
    // P-256: small, fast handshakes, and accepted everywhere WebRTC runs.
    pems = await generate(attrs, { ...common, keyType: 'ec', curve: 'P-256', extensions: extensions(false) });
  } catch {
    // A crypto build without the curve (unusual FIPS setups): RSA works everywhere.
    pems = await generate(attrs, { ...common, keyType: 'rsa', keySize: 2048, extensions: extensions(true) });
  }
  return { cert: pems.cert, key: pems.private };
}

/** Loopback names plus the host the server was told to bind, minus wildcard addresses that name no one. */
function sanNames(hostnames: string[]): string[] {
  const names = new Set(LOOPBACK_NAMES);
  for (const raw of hostnames) {
    const name = raw.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (name === '' || name === '0.0.0.0' || name === '::') continue;
    names.add(name);
  }
  return [...names];
}

function covers(x509: X509Certificate, name: string): boolean {
  return isIP(name) ? x509.checkIP(name) !== undefined : x509.checkHost(name) !== undefined;
}

function isSelfSigned(x509: X509Certificate): boolean {
  return x509.checkIssued(x509) && x509.verify(x509.publicKey);
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`TLS: cannot read the ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** undefined when absent; any other failure (permissions…) is the operator's to fix, not ours to overwrite. */
async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`TLS: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function parseCertificate(pem: string, path: string): X509Certificate {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`TLS: ${path} is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  }
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new Error(`TLS: ${path} holds no valid certificate (${(err as Error).message})`);
  }
}

function parsePrivateKey(pem: string, path: string): KeyObject {
  if (pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || pem.includes('Proc-Type: 4,ENCRYPTED')) {
    throw new Error(`TLS: ${path} is an encrypted private key; give the server an unencrypted one`);
  }
  if (!/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(pem)) {
    throw new Error(`TLS: ${path} is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)`);
  }
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new Error(`TLS: ${path} holds no valid private key (${(err as Error).message})`);
  }
}

/** Tighten, never loosen; Windows has no POSIX modes (the profile directory's ACL protects it). */
async function restrictMode(path: string, mode: number): Promise<void> {
  if (IS_WINDOWS) return;
  const current = (await stat(path)).mode & 0o777;
  if ((current & ~mode) !== 0) await chmod(path, current & mode);
}
