/** The two servers under test, each started as its own process. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTs, stop, type Started } from '../support/processes.js';
import type { Endpoint } from './connect.js';

export interface ServerUnderTest extends Endpoint {
  pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  maxConnections: number;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir', DIR]. */
  nodeArgs?: string[];
  /** Extra CLI flags (meriMeet only). */
  args?: string[];
}

/** The real server through its real CLI, with a fresh data directory. */
export async function startMeriMeet(dataDir: string, options: StartOptions): Promise<ServerUnderTest> {
  const started = await startTs(
    'signaling/src/cli.ts',
    [
      ...['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
      ...['--max-connections', String(options.maxConnections), '--max-connections-per-address', '0'],
      ...(options.args ?? []),
    ],
    /on (wss:\/\/\S+)\s+certificate SHA-256 (\S+)/,
    { nodeArgs: options.nodeArgs },
  );
  return endpoint(started, started.match[1]!, readFileSync(certificatePaths(dataDir).cert, 'utf8'));
}

/** The baseline relay, on the certificate the real server made, so both speak the same TLS. */
export async function startBareRelay(dataDir: string, options: { nodeArgs?: string[] } = {}): Promise<ServerUnderTest> {
  const { cert, key } = certificatePaths(dataDir);
  const started = await startTs(
    'test/bench/signaling/bare-relay.ts',
    ['--cert', cert, '--key', key, '--host', '127.0.0.1', '--port', '0'],
    /bare relay on (wss:\/\/\S+)/,
    { nodeArgs: options.nodeArgs },
  );
  return endpoint(started, started.match[1]!, readFileSync(cert, 'utf8'));
}

function certificatePaths(dataDir: string): { cert: string; key: string } {
  return { cert: join(dataDir, 'tls', 'cert.pem'), key: join(dataDir, 'tls', 'key.pem') };
}

function endpoint(started: Started, url: string, ca: string): ServerUnderTest {
  return {
    url,
    ca,
    pid: started.pid,
    stop: () => stop(started.child),
  };
}
