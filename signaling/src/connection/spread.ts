/**
 * Starts the parts that let a meeting span the instances of a cluster
 * (context.ts, Spread): serving edges' clients at their meetings' home, and
 * homes' frames at the edges, and renewing this instance's leases. Nothing
 * for a single server.
 */
import type { ServerContext } from '../context.js';
import { LEASE_MS } from '../cluster/room-homes.js';
import { serveEdgeClients } from './edge-clients.js';
import { serveRemoteClients } from './remote-clients.js';

/** Returns what stops it all: on shutdown, leases are given up first so the others take the meetings at once. */
export function startSpread(ctx: ServerContext): () => Promise<void> {
  const spread = ctx.spread;
  if (!spread) return async () => undefined;
  const stopRemote = serveRemoteClients(ctx, spread.link, spread.liveness);
  const stopEdge = serveEdgeClients(ctx);
  const liveIds = () => [...ctx.rooms.values()].map((room) => room.id);
  const renewal = setInterval(() => {
    spread.homes.renew(liveIds()).catch((err: unknown) =>
      // Two more tries before the lease lapses; /healthz already says the store is down.
      ctx.logger.warn({ event: 'lease_renewal_failed', err: String(err) }),
    );
  }, LEASE_MS / 3);
  renewal.unref();
  return async () => {
    clearInterval(renewal);
    try {
      await spread.homes.abandon(liveIds());
    } catch (err) {
      // The leases then lapse by themselves within LEASE_MS.
      ctx.logger.warn({ event: 'lease_abandon_failed', err: String(err) });
    }
    stopRemote();
    stopEdge();
    spread.liveness.stop();
  };
}
