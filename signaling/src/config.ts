/** Everything the server can be told, with the defaults a new install runs with. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ServerConfig {
  host: string;
  port: number;
  /** SQLite database, self-signed certificate and server secrets live here. */
  dataDir: string;
  /**
   * Where accounts, sessions and meetings last: a postgres:// URL (several
   * instances share it), or undefined for the SQLite file in dataDir.
   */
  storeUrl?: string;
  /**
   * The NATS server(s) the instances of a cluster share throttles and bans
   * through (cluster/); undefined for a single server.
   */
  natsUrl?: string;
  /** A real certificate; without both, a self-signed one is made and kept in dataDir. */
  certPath?: string;
  keyPath?: string;
  /**
   * Plain HTTP/WS behind a TLS-terminating reverse proxy. Only ever bound to
   * loopback, and only then is X-Forwarded-For trusted.
   */
  behindProxy: boolean;
  /** Built web client to serve over https, if present. */
  webRoot?: string;
  stunUrls: string[];
  turnUrls: string[];
  /** Shared secret with coturn (`use-auth-secret`): credentials per the TURN REST API. */
  turnSecret?: string;
  turnTtlSeconds: number;
  /** A dropped participant keeps its place this long. */
  graceMs: number;
  /** Ping interval; a socket that misses one is dropped. */
  heartbeatMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** Per-connection token bucket. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Bytes queued to one client before it counts as a slow consumer and is cut off. */
  maxBufferedBytes: number;
  sessionTtlSeconds: number;
  /**
   * /metrics is off unless one of these is set. With a token, it is served on
   * the public listener to requests that carry it (Authorization: Bearer).
   */
  metricsToken?: string;
  /** A plain-HTTP listener of its own for /metrics only (0: any free port). */
  metricsPort?: number;
  /** Where that listener binds; loopback unless a token guards it. */
  metricsHost: string;
  /** Janus API URLs (ws://, wss:// or ws+unix://); meetings past `meshLimit` run there. Empty: no SFU. */
  sfuUrls: string[];
  /** Janus's api_secret, sent with every API request. */
  sfuSecret?: string;
  /** Most people in a mesh; one more moves the meeting to the SFU (when one is configured). */
  meshLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULT_DATA_DIR = process.env.XDG_DATA_HOME
  ? join(process.env.XDG_DATA_HOME, 'merimeet-signaling')
  : join(homedir(), '.local', 'share', 'merimeet-signaling');

export const DEFAULT_CONFIG: ServerConfig = {
  host: '0.0.0.0',
  port: 8443,
  dataDir: DEFAULT_DATA_DIR,
  behindProxy: false,
  stunUrls: [],
  turnUrls: [],
  turnTtlSeconds: 3600,
  graceMs: 30_000,
  heartbeatMs: 15_000,
  maxConnections: 20_000,
  maxConnectionsPerAddress: 32,
  messagesPerSecond: 50,
  messageBurst: 200,
  maxBufferedBytes: 1024 * 1024,
  sessionTtlSeconds: 30 * 24 * 3600,
  metricsHost: '127.0.0.1',
  sfuUrls: [],
  meshLimit: 4,
  logLevel: 'info',
};

export function withDefaults(partial: Partial<ServerConfig>): ServerConfig {
  const config = { ...DEFAULT_CONFIG, ...partial };
  if (config.behindProxy && !isLoopback(config.host)) {
    throw new Error(`--behind-proxy serves plain HTTP, so it only binds to loopback (got --host ${config.host})`);
  }
  if (config.turnUrls.length > 0 && !config.turnSecret) {
    throw new Error('--turn-url needs --turn-secret (short-lived TURN credentials, coturn use-auth-secret)');
  }
  if (config.metricsPort !== undefined && !isLoopback(config.metricsHost) && !config.metricsToken) {
    throw new Error(
      `--metrics-port serves plain HTTP; binding it to --metrics-host ${config.metricsHost} (not loopback) needs --metrics-token`,
    );
  }
  if (config.sfuSecret !== undefined && config.sfuUrls.length === 0) {
    throw new Error('--sfu-secret needs --sfu-url (the Janus instances it is the API secret of)');
  }
  if (config.natsUrl !== undefined && config.storeUrl === undefined) {
    // Instances that share throttles but not accounts and meetings would each know different meetings.
    throw new Error('--nats is for a cluster, whose instances share one PostgreSQL store: give --store postgres://… too');
  }
  if ((config.certPath === undefined) !== (config.keyPath === undefined)) {
    throw new Error('--cert and --key go together');
  }
  return config;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
