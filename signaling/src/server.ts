/**
 * Starts one signaling server: https (or plain http behind a reverse proxy on
 * loopback), the WebSocket endpoint at /ws, health and metrics, heartbeats,
 * and a graceful drain on shutdown.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { withDefaults, type ServerConfig } from './config.js';
import { Connection } from './connection/connection.js';
import { createContext, type ServerContext } from './context.js';
import { createHttpHandler } from './http/http-handler.js';
import type { MetricsAccess } from './http/metrics-access.js';
import { refuseUpgrade } from './http/refuse-upgrade.js';
import { createLogger, type Logger } from './observability/logger.js';
import { ServerMetrics } from './observability/metrics.js';
import { CLOSE, MAX_FRAME_BYTES, SUBPROTOCOL, type ServerMessage } from './protocol/index.js';
import { clientAddress } from './security/client-address.js';
import { ClusterBus } from './cluster/cluster-bus.js';
import { startSpread } from './connection/spread.js';
import { openStore } from './store/open-store.js';
import { getOrCreateSecret } from './store/server-state.js';
import { loadTlsMaterial } from './tls/certificate.js';

export const WS_PATH = '/ws';

export interface RunningServer {
  /** wss://host:port/ws (ws:// only behind a proxy) */
  url: string;
  port: number;
  /** SHA-256 of the certificate, for pinning; null behind a proxy. */
  fingerprint256: string | null;
  certificatePem: string | null;
  metrics: ServerMetrics;
  /** http://host:port/metrics of the metrics listener (--metrics-port); null when there is none. */
  metricsUrl: string | null;
  /** Tells every client to reconnect, waits up to drainMs for them to go, then stops. */
  shutdown(options?: { drainMs?: number }): Promise<void>;
}

export async function startServer(
  options: Partial<ServerConfig> = {},
  deps: { logger?: Logger } = {},
): Promise<RunningServer> {
  const config = withDefaults(options);
  const logger = deps.logger ?? createLogger({ level: config.logLevel });
  const tls = config.behindProxy
    ? undefined
    : await loadTlsMaterial({
        certPath: config.certPath,
        keyPath: config.keyPath,
        dataDir: config.dataDir,
        hostnames: [config.host],
      });
  const db = await openStore(config, logger);
  const metrics = new ServerMetrics();
  let ctx: ServerContext;
  let cluster: ClusterBus | null = null;
  try {
    cluster = config.natsUrl === undefined ? null : await ClusterBus.connect({ url: config.natsUrl, logger });
    ctx = createContext(config, logger, metrics, db, await getOrCreateSecret(db, 'resume-token-hmac'), cluster);
  } catch (err) {
    await cluster?.close();
    await db.close();
    throw err;
  }
  // Each Janus gets one first attempt before we listen; one that is down is retried in the background.
  await ctx.sfu?.start();
  const connections = new Set<Connection>();

  const health = () => ({
    status: ctx.draining ? ('draining' as const) : ctx.problems.length > 0 ? ('degraded' as const) : ('ok' as const),
    uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
    connections: connections.size,
    ...(ctx.problems.length > 0 ? { problems: ctx.problems } : {}),
  });
  const tokenOnly: MetricsAccess = config.metricsToken ? { kind: 'token', token: config.metricsToken } : { kind: 'off' };
  const handler = createHttpHandler({ metrics, webRoot: config.webRoot, logger, health, metricsAccess: tokenOnly });
  const metricsServer = createMetricsServer(config, metrics, logger, health, tokenOnly);
  const server: HttpServer = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler)
    : createHttpServer(handler);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false, // compression of attacker-chosen data invites CRIME-style leaks and zip bombs
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  routeUpgrades(server, wss, ctx, createAcceptor(ctx, connections));
  const stopSpread = startSpread(ctx);
  const heartbeat = startHeartbeat(connections, metrics, logger, config.heartbeatMs);
  const gauges = setInterval(() => refreshGauges(ctx), 1000);
  const checks = setInterval(() => void checkDependencies(ctx), DEPENDENCY_CHECK_MS);
  heartbeat.unref();
  gauges.unref();
  checks.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const metricsUrl = metricsServer ? await listenForMetrics(metricsServer, server, config, logger) : null;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `${tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}${WS_PATH}`;
  for (const note of tls?.notes ?? []) logger.info({ event: 'certificate', note });
  logger.info({ event: 'listening', url, fingerprint256: tls?.fingerprint256, selfSigned: tls?.selfSigned });

  let stopping: Promise<void> | undefined;
  async function shutdown({ drainMs = 2000 } = {}): Promise<void> {
    stopping ??= (async () => {
      ctx.draining = true;
      clearInterval(heartbeat);
      clearInterval(gauges);
      clearInterval(checks);
      logger.info({ event: 'draining', connections: connections.size });
      // Before our own clients go: theirs and the edges' clients then resume where the meetings move to.
      await stopSpread();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const metricsClosed = new Promise<void>((resolve) => {
        if (!metricsServer) return resolve();
        metricsServer.close(() => resolve());
        metricsServer.closeAllConnections();
      });
      const drained: ServerMessage = { type: 'server.draining', reconnectInMs: 1000 };
      for (const conn of connections) {
        conn.send(drained);
        conn.close(CLOSE.serviceRestart, 'server restarting; reconnect and resume');
      }
      const deadline = Date.now() + drainMs;
      while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      for (const conn of connections) conn.ws.terminate();
      server.closeAllConnections();
      await closed;
      await metricsClosed;
      // Let requests already running (a login's hash) finish before the database goes.
      const settled = Promise.allSettled([...ctx.inflight]);
      await Promise.race([settled, new Promise((r) => setTimeout(r, 5000).unref())]);
      for (const room of ctx.rooms.values()) room.dispose();
      await ctx.sfu?.close();
      await cluster?.close();
      await db.close();
      logger.info({ event: 'stopped' });
    })();
    return stopping;
  }

  return {
    url,
    port,
    fingerprint256: tls?.fingerprint256 ?? null,
    certificatePem: tls?.cert ?? null,
    metrics,
    metricsUrl,
    shutdown,
  };
}

/**
 * How often /healthz re-checks the store and the cluster link. A load balancer
 * polls /healthz every second or two; the answer is at most this stale.
 */
const DEPENDENCY_CHECK_MS = 1000;

/** Never throws: a store or NATS that is down is a state to report, not an error to crash on. */
async function checkDependencies(ctx: ServerContext): Promise<void> {
  const problems: string[] = [];
  try {
    await ctx.db.ping();
  } catch (err) {
    problems.push(`store unreachable: ${(err as Error).message}`);
  }
  if (ctx.cluster && !ctx.cluster.healthy) problems.push('cluster link (NATS) down: throttles and bans are not shared meanwhile');
  const was = ctx.problems.join('; ');
  ctx.problems = problems;
  if (problems.join('; ') !== was) {
    if (problems.length > 0) ctx.logger.warn({ event: 'degraded', problems });
    else ctx.logger.info({ event: 'recovered' });
  }
}

/**
 * The metrics listener: /metrics (and /healthz) only, no web client; open to
 * whoever reaches it unless a token is set (withDefaults keeps it on loopback then).
 * Null without --metrics-port.
 */
function createMetricsServer(
  config: ServerConfig,
  metrics: ServerMetrics,
  logger: Logger,
  health: Parameters<typeof createHttpHandler>[0]['health'],
  tokenOnly: MetricsAccess,
): HttpServer | null {
  if (config.metricsPort === undefined) return null;
  return createHttpServer(
    createHttpHandler({
      metrics,
      logger,
      health,
      metricsAccess: config.metricsToken ? tokenOnly : { kind: 'open' },
    }),
  );
}

/** Starts the metrics listener; its /metrics URL. If it cannot listen, the main listener is closed too. */
async function listenForMetrics(metricsServer: HttpServer, server: HttpServer, config: ServerConfig, logger: Logger): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    metricsServer.once('error', (err) => {
      server.close(); // do not leave the main listener up on a half-started server
      reject(err);
    });
    metricsServer.listen(config.metricsPort, config.metricsHost, () => resolve());
  });
  const m = metricsServer.address() as AddressInfo;
  const metricsUrl = `http://${m.address.includes(':') ? `[${m.address}]` : m.address}:${m.port}/metrics`;
  logger.info({ event: 'metrics_listening', url: metricsUrl, token: config.metricsToken !== undefined });
  return metricsUrl;
}

/** WebSocket upgrades at /ws go to `accept`; any other path, or any upgrade while draining, is refused. */
function routeUpgrades(server: HttpServer, wss: WebSocketServer, ctx: ServerContext, accept: (ws: WebSocket, address: string) => void): void {
  const { metrics, logger, config } = ctx;
  server.on('upgrade', (req, socket: Duplex, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH || ctx.draining) {
      const status = ctx.draining ? 503 : 404;
      metrics.connectionsRejected.inc({ reason: ctx.draining ? 'draining' : 'path' });
      refuseUpgrade(socket, status, (err) =>
        // A client that hangs up on a refusal is routine (scanners, a proxy giving up); worth a debug line, no more.
        logger.debug({ event: 'upgrade_refused_socket_error', status, code: err.code ?? 'unknown', err: err.message }),
      );
      return;
    }
    socket.on('error', (err: NodeJS.ErrnoException) => {
      logger.debug({ event: 'upgrade_socket_error', code: err.code ?? 'unknown', err: err.message });
      socket.destroy();
    });
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, clientAddress(req, config.behindProxy)));
  });
}

/**
 * Takes a new socket as a Connection, unless it speaks another subprotocol or
 * the server (or its address) has as many connections as allowed.
 */
function createAcceptor(ctx: ServerContext, connections: Set<Connection>): (ws: WebSocket, address: string) => void {
  const { metrics, config } = ctx;
  const perAddress = new Map<string, number>();
  return function accept(ws, address) {
    if (ws.protocol !== SUBPROTOCOL) {
      metrics.connectionsRejected.inc({ reason: 'subprotocol' });
      ws.close(CLOSE.protocolError, `speak subprotocol ${SUBPROTOCOL}`);
      return;
    }
    const fromAddress = perAddress.get(address) ?? 0;
    const overAddress = config.maxConnectionsPerAddress > 0 && fromAddress >= config.maxConnectionsPerAddress;
    if (connections.size >= config.maxConnections || overAddress) {
      metrics.connectionsRejected.inc({ reason: overAddress ? 'per_address' : 'total' });
      ws.close(CLOSE.tooManyConnections, overAddress ? 'too many connections from your address' : 'server full');
      return;
    }
    perAddress.set(address, fromAddress + 1);
    const conn = new Connection(ws, address, ctx);
    connections.add(conn);
    metrics.connections.inc();
    metrics.connectionsTotal.inc();
    ws.on('close', () => {
      connections.delete(conn);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
  };
}

/** Browsers cannot send pings, but they answer ours; a socket that misses one is dead. */
function startHeartbeat(connections: Set<Connection>, metrics: ServerMetrics, logger: Logger, periodMs: number): ReturnType<typeof setInterval> {
  return setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        metrics.closes.inc({ code: String(CLOSE.heartbeat) });
        logger.info({ event: 'heartbeat_missed', conn: conn.id });
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, periodMs);
}

function refreshGauges(ctx: ServerContext): void {
  const { rooms, participants, waiting } = ctx.rooms.counts();
  ctx.metrics.meetingsLive.set(rooms);
  ctx.metrics.participants.set(participants);
  ctx.metrics.lobbyWaiting.set(waiting);
}
