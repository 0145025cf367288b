/**
 * "Host on this computer": starts the bundled signaling server as a child of
 * the app (Electron's utilityProcess in production; anything with the same
 * shape in tests), waits for the line where it says where it listens and
 * which certificate it made, pins that certificate for its host without
 * asking (the app made it itself), and adds the server to the settings
 * (default when none is set). Meetings on the LAN then work with nothing else
 * installed.
 */
import type { CertificateGate } from './security/cert-pinning.js';
import type { Settings } from './settings.js';

export interface ServerChild {
  /** The CLI prints where it listens on stderr (stdout carries the JSON logs). */
  readonly stderr: { on(event: 'data', listener: (chunk: Buffer) => void): unknown } | null;
  kill(): boolean;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
}

export interface LocalHostDeps {
  /** Starts the server's CLI with these arguments. */
  fork(args: string[]): ServerChild;
  /** Where the local server keeps its database and certificate (keep it: the pin depends on it). */
  dataDir: string;
  certificates: CertificateGate;
  settings: Settings;
  /** Listen address and port; defaults: all interfaces (LAN), the server's default port. */
  listen?: { host: string; port: number };
  timeoutMs?: number;
}

/** The CLI's start line: `… listening on wss://HOST:PORT/ws … certificate SHA-256 AB:CD:…`. */
export function parseListening(text: string): { server: string; fingerprint: string } | null {
  const match = /on (wss:\/\/\S+)\s+certificate SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(text);
  if (match === null) return null;
  // Listening on every interface prints the wildcard address; this app reaches it as localhost.
  const url = new URL(match[1] as string);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = 'localhost';
  return { server: url.href, fingerprint: match[2] as string };
}

export const LOCAL_SERVER_NAME = 'This computer';

export function createLocalHost(deps: LocalHostDeps) {
  let running: { child: ServerChild; info: Promise<{ server: string; fingerprint: string }> } | null = null;

  function start(): Promise<{ server: string; fingerprint: string }> {
    if (running !== null) return running.info;
    const listen = deps.listen ?? { host: '0.0.0.0', port: 8443 };
    const child = deps.fork(['--host', listen.host, '--port', String(listen.port), '--data-dir', deps.dataDir]);
    const info = new Promise<{ server: string; fingerprint: string }>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error('the local server did not start in time'));
      }, deps.timeoutMs ?? 30_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        text = (text + chunk.toString()).slice(-16_384);
        const found = parseListening(text);
        if (found === null) return;
        clearTimeout(timer);
        // Reached from other machines by this machine's name or address, but
        // from here by the name it printed; the pin is per hostname.
        deps.certificates.pinOwn(new URL(found.server).hostname, found.fingerprint);
        deps.settings.addServer({ url: found.server, name: LOCAL_SERVER_NAME });
        resolve(found);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        running = null;
        reject(new Error(`the local server stopped (exit code ${code})`));
      });
    });
    running = { child, info };
    // The caller awaits `info` and sees its failure; this only keeps it from also being unhandled here.
    info.catch((err: unknown) => process.stderr.write(`meriMeet: the local server did not start: ${err instanceof Error ? err.message : String(err)}\n`));
    return info;
  }

  async function stop(): Promise<void> {
    const current = running;
    if (current === null) return;
    running = null;
    const exited = new Promise<void>((resolve) => current.child.once('exit', () => resolve()));
    current.child.kill();
    await exited;
  }

  return { start, stop };
}
