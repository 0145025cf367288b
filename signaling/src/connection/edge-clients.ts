/**
 * The edge's side of the frame link: what a meeting's home sends reaches the
 * client connection it names (Connection.fromHome), and clients whose home
 * has died are told to reconnect (1012, as a draining server does), so they
 * resume on whichever instance takes the meeting over.
 */
import type { ServerContext } from '../context.js';
import { ALIVE_EVERY_MS } from '../cluster/frame-link.js';
import { CLOSE } from '../protocol/index.js';

/** Starts delivering homes' frames here; returns a function that stops the dead-home sweep. */
export function serveEdgeClients(ctx: ServerContext): () => void {
  const spread = ctx.spread;
  if (!spread) return () => undefined;
  spread.link.onFromHomes((envelope) => {
    spread.liveness.seen(envelope.from);
    const client = spread.proxied.get(envelope.conn);
    // A home that lost this connection, or an instance posing as one, reaches nobody.
    if (client && client.home === envelope.from) client.fromHome(envelope);
  });
  const sweep = setInterval(() => {
    for (const client of [...spread.proxied.values()]) {
      if (client.home !== null && spread.liveness.isDead(client.home)) {
        ctx.logger.warn({ event: 'home_lost', home: client.home });
        client.fromHome({ from: client.home, conn: 0, kind: 'close', code: CLOSE.serviceRestart, reason: 'the meeting moves; resume' });
      }
    }
  }, ALIVE_EVERY_MS);
  sweep.unref();
  return () => clearInterval(sweep);
}
