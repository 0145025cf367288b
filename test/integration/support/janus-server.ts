/**
 * A real Janus (Debian's `janus` 1.1.x) for one test file: a throwaway config
 * folder with only the VideoRoom plugin and the WebSockets transport loaded,
 * the admin API off and an API secret set, run in the foreground as a child
 * inside the SFU namespace of a veth network (veth-network.ts).
 *
 * Its API listens on a Unix socket in the config folder rather than TCP: a
 * socket file is reachable from the test's own namespace, where the signaling
 * server runs, while Janus's media ports exist only on the veth link.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createVethNetwork, type VethNetwork, type VethOptions } from './veth-network.js';

const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';
/** Measured here: a fresh start answers `info` after 1.6–2.2 s, a restart after 0.6–0.9 s; 10 s leaves room for a loaded machine. */
const READY_BUDGET_MS = 10_000;

export interface JanusServer {
  /** The API, as the signaling server's --sfu-url takes it. */
  url: string;
  apiSecret: string;
  network: VethNetwork;
  pid(): number;
  /** Everything Janus printed since the test started it (all runs). */
  output(): string;
  /** Kills Janus (SIGKILL by default) and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts Janus again with the same config, socket and network. */
  start(): Promise<void>;
  /** Stops Janus by PID and removes its network and config folder. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startJanus(options: { apiSecret?: string } & VethOptions = {}): Promise<JanusServer> {
  const apiSecret = options.apiSecret ?? randomBytes(24).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'merimeet-janus-'));
  const network = createVethNetwork({ clientsHere: options.clientsHere === true });
  const socket = join(dir, 'api.sock');
  writeConfig(dir, { apiSecret, socket, mediaAddress: network.sfuAddress });
  let text = '';
  let starts = 0;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    rmSync(socket, { force: true });
    // `ip netns exec` execs janus in place, so the child's PID is Janus's own. Its log goes to a file per start too:
    // on a pipe it writes the banner only.
    const proc = spawn('ip', ['netns', 'exec', network.sfuNamespace, 'janus', '-F', dir, '-o', '-L', join(dir, `janus-${++starts}.log`)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    running.add(proc);
    proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    exited = new Promise((resolve) => proc.once('exit', () => (running.delete(proc), resolve())));
    await waitUntilAnswering(`ws+unix://${socket}:/`, proc, () => text);
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };

  try {
    await start();
  } catch (error) {
    await kill();
    network.remove();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `ws+unix://${socket}:/`,
    apiSecret,
    network,
    pid: () => child?.pid ?? -1,
    output: () => [text, ...Array.from({ length: starts }, (_, i) => readLog(join(dir, `janus-${i + 1}.log`)))].join('\n'),
    kill,
    start,
    async stop() {
      await kill('SIGTERM');
      network.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Janus is ready when its API answers `info` (which needs no secret). */
async function waitUntilAnswering(url: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_BUDGET_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`janus exited while starting:\n${output()}`);
    if (await answersInfo(url)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`janus did not answer within ${READY_BUDGET_MS} ms:\n${output()}`);
}

function answersInfo(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'janus-protocol');
    const done = (ok: boolean) => {
      ws.removeAllListeners();
      ws.on('error', () => undefined); // a late error on a socket we are discarding
      ws.terminate();
      resolve(ok);
    };
    ws.once('open', () => ws.send(JSON.stringify({ janus: 'info', transaction: 'ready' })));
    ws.once('message', (data) => done(String(data).includes('"server_info"')));
    // Not listening yet (ENOENT, ECONNREFUSED): the caller polls again.
    ws.once('error', () => done(false));
  });
}

interface ConfigInput {
  apiSecret: string;
  socket: string;
  mediaAddress: string;
}

function everyLibraryBut(folder: string, keep: string): string {
  return readdirSync(join(JANUS_LIB, folder))
    .filter((name) => name.endsWith('.so') && name !== keep)
    .join(',');
}

/** The hardened minimum: what docs/sfu.md asks of a production config, on a test's addresses. */
function writeConfig(dir: string, { apiSecret, socket, mediaAddress }: ConfigInput): void {
  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${JANUS_LIB}/plugins"
  transports_folder = "${JANUS_LIB}/transports"
  events_folder = "${JANUS_LIB}/events"
  loggers_folder = "${JANUS_LIB}/loggers"
  debug_level = 4
  # The namespace has no default route, so Janus cannot guess its address.
  interface = "${mediaAddress}"
  api_secret = "${apiSecret}"
  session_timeout = 60
}
media: { rtp_port_range = "20000-40000" }
nat: { ice_enforce_list = "${mediaAddress}" }
plugins: { disable = "${everyLibraryBut('plugins', 'libjanus_videoroom.so')}" }
transports: { disable = "${everyLibraryBut('transports', 'libjanus_websockets.so')}" }
events: { broadcast = false disable = "${everyLibraryBut('events', '')}" }
loggers: { disable = "${everyLibraryBut('loggers', '')}" }
`,
  );
  writeFileSync(
    join(dir, 'janus.transport.websockets.jcfg'),
    `general: { json = "plain" ws = true ws_unix = "${socket}" wss = false }
admin: { admin_ws = false admin_wss = false }
`,
  );
  // Rooms are made by the signaling server through the API only, never from the config.
  writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), `general: { lock_rtp_forward = true }\n`);
}

/** A Janus log file's text ('' when it was never written or is gone with the directory). */
function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
