/**
 * Command line and environment → ServerConfig. Kept apart from cli.ts and
 * free of side effects (no printing, no exiting) so every flag can be tested;
 * cli.ts turns a CliExit into output and an exit code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CONFIG, withDefaults, type ServerConfig } from './config.js';
import { addSfuOptions, natsOption, natsUrl, storeOption, storeUrl } from './cli-scale-options.js';
import { integer, nonEmpty, urls } from './cli-values.js';

/** Help, version or a usage error: what to print, and the code to exit with. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    readonly output: string,
  ) {
    super(output.trim() || `exit ${exitCode}`);
    this.name = 'CliExit';
  }
}

/**
 * The repo's built web client. Two levels up from this file is the repo root
 * both from signaling/src (tests, tsx) and from signaling/dist (the build).
 */
export const BUNDLED_WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

const LOG_LEVELS: readonly ServerConfig['logLevel'][] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const DESCRIPTION =
  'Runs the meriMeet signaling server: accounts, meetings, admission, and the relay of WebRTC offers, ' +
  'answers and ICE candidates between the people in a meeting, over secure WebSockets only. Media, chat ' +
  'and files never pass through it (they go peer to peer, end-to-end protected), and it never learns a ' +
  'meeting password. Without --cert/--key it makes a self-signed certificate in the data directory and ' +
  'prints its SHA-256 fingerprint for clients to pin. Every option can also be set through the ' +
  'environment variable shown beside it; a flag wins over the environment.';

const EXAMPLES = `
Examples:
  # Try it on this machine (self-signed certificate, https://localhost:8443)
  $ merimeet-signaling --host 127.0.0.1

  # On the internet, with a real certificate and a coturn relay (use-auth-secret)
  $ export MERIMEET_TURN_SECRET="$(cat /etc/merimeet/turn-secret)"
  $ merimeet-signaling --port 443 \\
      --cert /etc/letsencrypt/live/meet.example.org/fullchain.pem \\
      --key /etc/letsencrypt/live/meet.example.org/privkey.pem \\
      --stun-url stun:turn.example.org:3478 \\
      --turn-url turn:turn.example.org:3478 --turn-url turns:turn.example.org:5349

  # One of several instances behind a load balancer (README: "A cluster")
  $ export MERIMEET_STORE="postgres://merimeet:$(cat /etc/merimeet/pg-password)@db.internal:5432/merimeet"
  $ merimeet-signaling --behind-proxy --host 127.0.0.1 --port 8081 --nats nats://nats.internal:4222

  # Behind nginx or Caddy, which terminates TLS and forwards /ws here
  $ merimeet-signaling --behind-proxy --host 127.0.0.1 --port 8080
`;

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  let out = '';
  let err = '';
  const program = buildProgram()
    .exitOverride()
    .configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });

  try {
    // Commander reads option env vars from process.env only; lend it the caller's
    // env for this synchronous call, so tests (and embedders) can pass their own.
    const saved = process.env;
    process.env = env;
    try {
      program.parse(argv, { from: 'user' });
    } finally {
      process.env = saved;
    }
    return toConfig(program, env);
  } catch (e) {
    if (e instanceof CommanderError) throw new CliExit(e.exitCode, e.exitCode === 0 ? out : err);
    throw e;
  }
}

function buildProgram(): Command {
  const d = DEFAULT_CONFIG;
  const program = new Command('merimeet-signaling')
    .description(DESCRIPTION)
    .version(packageVersion(), '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(merimeet-signaling --help shows every option)')
    .addHelpText('after', EXAMPLES)
    .addOption(new Option('--host <address>', 'address to listen on').env('MERIMEET_HOST').default(d.host).argParser(nonEmpty))
    .addOption(new Option('--port <number>', 'port to listen on (0: any free port)').env('MERIMEET_PORT').default(d.port).argParser(integer(0, 65535)))
    .addOption(
      new Option('--data-dir <dir>', 'where the database, the self-signed certificate and server secrets live')
        .env('MERIMEET_DATA_DIR')
        .default(d.dataDir)
        .argParser(path),
    )
    .addOption(storeOption())
    .addOption(natsOption())
    .addOption(new Option('--cert <file>', 'TLS certificate chain (PEM); needs --key').env('MERIMEET_CERT').argParser(path))
    .addOption(new Option('--key <file>', 'TLS private key (PEM, unencrypted); needs --cert').env('MERIMEET_KEY').argParser(path))
    .addOption(
      new Option('--behind-proxy', 'serve plain HTTP to a TLS-terminating reverse proxy on loopback, and trust its X-Forwarded-For').env(
        'MERIMEET_BEHIND_PROXY',
      ),
    )
    .addOption(
      new Option('--web-root <dir>', `built web client to serve (default: ${BUNDLED_WEB_ROOT}, if built)`)
        .env('MERIMEET_WEB_ROOT')
        .argParser(existingDirectory),
    )
    .addOption(
      new Option('--stun-url <url>', 'STUN server for clients, e.g. stun:stun.example.org:3478 (repeatable; comma-separated in the env var)')
        .env('MERIMEET_STUN_URLS')
        .argParser(urls('stun:host:port', 'stun', 'stuns')),
    )
    .addOption(
      new Option('--turn-url <url>', 'TURN server, e.g. turns:turn.example.org:5349 (repeatable; comma-separated in the env var); needs --turn-secret')
        .env('MERIMEET_TURN_URLS')
        .argParser(urls('turn:host:port', 'turn', 'turns')),
    )
    .addOption(
      new Option('--turn-secret <secret>', "secret shared with coturn's use-auth-secret (prefer the env var: flags show up in ps)")
        .env('MERIMEET_TURN_SECRET')
        .argParser(nonEmpty),
    )
    .addOption(
      new Option('--turn-ttl <seconds>', 'lifetime of the TURN credentials handed out')
        .env('MERIMEET_TURN_TTL')
        .default(d.turnTtlSeconds)
        .argParser(integer(60, 7 * 24 * 3600)),
    )
    .addOption(
      new Option('--grace <ms>', 'how long a dropped participant keeps their place')
        .env('MERIMEET_GRACE_MS')
        .default(d.graceMs)
        .argParser(integer(0, 3_600_000)),
    )
    .addOption(
      new Option('--heartbeat <ms>', 'ping interval; a socket that misses one is dropped')
        .env('MERIMEET_HEARTBEAT_MS')
        .default(d.heartbeatMs)
        .argParser(integer(100, 600_000)),
    )
    .addOption(
      new Option('--max-connections <n>', 'open sockets in all')
        .env('MERIMEET_MAX_CONNECTIONS')
        .default(d.maxConnections)
        .argParser(integer(1, 10_000_000)),
    )
    .addOption(
      new Option('--max-connections-per-address <n>', 'open sockets from one client address (0: no limit)')
        .env('MERIMEET_MAX_CONNECTIONS_PER_ADDRESS')
        .default(d.maxConnectionsPerAddress)
        .argParser(integer(0, 10_000_000)),
    )
    .addOption(
      new Option('--message-rate <n>', 'messages per second one connection may send, sustained')
        .env('MERIMEET_MESSAGE_RATE')
        .default(d.messagesPerSecond)
        .argParser(integer(1, 1_000_000)),
    )
    .addOption(
      new Option('--message-burst <n>', 'messages one connection may send at once')
        .env('MERIMEET_MESSAGE_BURST')
        .default(d.messageBurst)
        .argParser(integer(1, 1_000_000)),
    )
    .addOption(
      new Option('--metrics-port <number>', 'serve /metrics (Prometheus) on a plain-HTTP listener of its own, on --metrics-host (default: no such listener)')
        .env('MERIMEET_METRICS_PORT')
        .argParser(integer(0, 65535)),
    )
    .addOption(
      new Option('--metrics-host <address>', 'address of the --metrics-port listener; other than loopback it needs --metrics-token')
        .env('MERIMEET_METRICS_HOST')
        .default(d.metricsHost)
        .argParser(nonEmpty),
    )
    .addOption(
      new Option(
        '--metrics-token <token>',
        'bearer token for /metrics; with it, /metrics is also served on the main listener to requests carrying it (prefer the env var: flags show up in ps). Without this or --metrics-port, /metrics is off',
      )
        .env('MERIMEET_METRICS_TOKEN')
        .argParser(nonEmpty),
    )
    .addOption(new Option('--log-level <level>', 'log detail').env('MERIMEET_LOG_LEVEL').default(d.logLevel).choices(LOG_LEVELS));
  return addSfuOptions(program);
}


interface Parsed {
  host: string;
  port: number;
  dataDir: string;
  store?: string;
  nats?: string;
  cert?: string;
  key?: string;
  behindProxy?: boolean;
  webRoot?: string;
  stunUrl?: string[];
  turnUrl?: string[];
  turnSecret?: string;
  turnTtl: number;
  grace: number;
  heartbeat: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  messageRate: number;
  messageBurst: number;
  metricsPort?: number;
  metricsHost: string;
  metricsToken?: string;
  sfuUrl?: string[];
  sfuSecret?: string;
  meshLimit: number;
  logLevel: ServerConfig['logLevel'];
}

function toConfig(program: Command, env: NodeJS.ProcessEnv): ServerConfig {
  const o = program.opts<Parsed>();
  const partial: Partial<ServerConfig> = {
    host: o.host,
    port: o.port,
    dataDir: o.dataDir,
    behindProxy: behindProxy(program, env),
    stunUrls: o.stunUrl ?? [],
    turnUrls: o.turnUrl ?? [],
    turnTtlSeconds: o.turnTtl,
    graceMs: o.grace,
    heartbeatMs: o.heartbeat,
    maxConnections: o.maxConnections,
    maxConnectionsPerAddress: o.maxConnectionsPerAddress,
    messagesPerSecond: o.messageRate,
    messageBurst: o.messageBurst,
    metricsHost: o.metricsHost,
    sfuUrls: o.sfuUrl ?? [],
    meshLimit: o.meshLimit,
    logLevel: o.logLevel,
  };
  if (o.metricsPort !== undefined) partial.metricsPort = o.metricsPort;
  if (o.metricsToken !== undefined) partial.metricsToken = o.metricsToken;
  try {
    if (o.store !== undefined) partial.storeUrl = storeUrl(o.store);
    if (o.nats !== undefined) partial.natsUrl = natsUrl(o.nats);
  } catch (e) {
    return program.error(`error: ${(e as Error).message}`);
  }
  if (o.cert !== undefined) partial.certPath = o.cert;
  if (o.key !== undefined) partial.keyPath = o.key;
  if (o.turnSecret !== undefined) partial.turnSecret = o.turnSecret;
  if (o.sfuSecret !== undefined) partial.sfuSecret = o.sfuSecret;
  const webRoot = o.webRoot ?? (isDirectory(BUNDLED_WEB_ROOT) ? BUNDLED_WEB_ROOT : undefined);
  if (webRoot !== undefined) partial.webRoot = webRoot;
  try {
    return withDefaults(partial);
  } catch (e) {
    // Combinations that are wrong together get the same treatment as a bad single value.
    return program.error(`error: ${(e as Error).message}`);
  }
}

/**
 * Commander treats a boolean flag's env var as "set" whatever its value, so
 * MERIMEET_BEHIND_PROXY=false would turn it on. Read the value ourselves.
 */
function behindProxy(program: Command, env: NodeJS.ProcessEnv): boolean {
  if (program.getOptionValueSource('behindProxy') !== 'env') return program.opts<Parsed>().behindProxy === true;
  const raw = (env.MERIMEET_BEHIND_PROXY ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(raw)) return false;
  return program.error(`error: MERIMEET_BEHIND_PROXY must be true or false (got '${raw}')`);
}


function path(value: string): string {
  return resolve(nonEmpty(value));
}

function existingDirectory(value: string): string {
  const dir = path(value);
  if (!isDirectory(dir)) throw new InvalidArgumentError(`${dir} is not a directory.`);
  return dir;
}


function isDirectory(dir: string): boolean {
  try {
    return existsSync(dir) && statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
