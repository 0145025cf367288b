/**
 * The server as its own process, started through the real CLI, for what an
 * in-process server cannot show: SIGKILL, SIGTERM, and the command line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(ROOT, 'signaling/src/cli.ts');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** PEM of the server's certificate; '' behind a proxy (plain ws://). */
  ca: string;
  /** '' behind a proxy. */
  fingerprint: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts the CLI and resolves once it prints where it listens. */
export async function startServerProcess(dataDir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  // A later `--port` in `extra` wins over this one (commander keeps the last value).
  const child = runCli(['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...extra], env);
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 30_000;
  let match: RegExpMatchArray | null = null;
  // Behind a proxy the server speaks plain ws:// and has no certificate of its own.
  while (!(match = text.match(/on (wss?:\/\/\S+)\s+(?:certificate SHA-256 (\S+)|TLS is the reverse proxy)/))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const fingerprint = match[2] ?? '';
  const ca = fingerprint === '' ? '' : readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
  return { child, url: match[1]!, fingerprint, ca, output: () => text, exited };
}
