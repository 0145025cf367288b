/**
 * The home's side of the frame link: a client whose socket is on another
 * instance (the edge) gets a real Connection here, over a RemoteSocket that
 * stands in for the WebSocket. So the handlers, the Room, the rate limits and
 * the reply order are exactly a single server's; only the bytes travel
 * further. Frames from one edge connection run in the order they were sent.
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { ServerContext } from '../context.js';
import { ALIVE_EVERY_MS, type Envelope, type FrameLink } from '../cluster/frame-link.js';
import type { Liveness } from '../cluster/liveness.js';
import { CLOSE } from '../protocol/index.js';
import { Connection } from './connection.js';

/** What Connection uses of a WebSocket, carried over the frame link. */
class RemoteSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  /** The edge's own socket bounds its buffer (Connection.sendFrame there); nothing queues here. */
  readonly bufferedAmount = 0;
  /** Frames wait for the open's sign-in check, then run in order. */
  chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly link: FrameLink,
    readonly edge: string,
    readonly conn: number,
  ) {
    super();
  }

  send(frame: string): void {
    if (this.readyState === this.OPEN) this.link.toEdge(this.edge, { conn: this.conn, kind: 'frame', text: frame });
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState !== this.OPEN) return;
    this.link.toEdge(this.edge, { conn: this.conn, kind: 'close', code, reason });
    this.gone();
  }

  terminate(): void {
    this.close(CLOSE.serviceRestart, "closed by the meeting's home");
  }

  ping(): void {
    // The edge pings the real socket; nothing to do over the link.
  }

  /** The edge's socket closed (or the edge died): what a WebSocket's close event means. */
  gone(): void {
    if (this.readyState !== this.OPEN) return;
    this.readyState = 3;
    this.emit('close');
  }
}

/** Starts serving edges' clients at this instance; returns a function that stops the liveness sweep. */
export function serveRemoteClients(ctx: ServerContext, link: FrameLink, liveness: Liveness): () => void {
  const sockets = new Map<string, RemoteSocket>();

  link.onFromEdges((envelope) => {
    const key = `${envelope.from}:${envelope.conn}`;
    liveness.seen(envelope.from);
    if (envelope.kind === 'open') {
      sockets.get(key)?.gone();
      const socket = open(ctx, link, envelope);
      sockets.set(key, socket);
      socket.once('close', () => {
        if (sockets.get(key) === socket) sockets.delete(key);
      });
      return;
    }
    const socket = sockets.get(key);
    if (!socket) return; // closed here already; the edge learns it from our close
    if (envelope.kind === 'close') {
      socket.chain = socket.chain.then(() => socket.gone());
      return;
    }
    const text = envelope.text ?? '';
    socket.chain = socket.chain.then(() => void socket.emit('message', Buffer.from(text), false));
  });

  const sweep = setInterval(() => {
    for (const socket of [...sockets.values()]) {
      if (liveness.isDead(socket.edge)) {
        ctx.logger.warn({ event: 'edge_lost', edge: socket.edge, conn: socket.conn });
        socket.gone();
      }
    }
  }, ALIVE_EVERY_MS);
  sweep.unref();
  return () => {
    clearInterval(sweep);
    // The edges close their clients with 1012 too, so they resume where the meetings move to.
    for (const socket of [...sockets.values()]) socket.close(CLOSE.serviceRestart, 'server restarting; reconnect and resume');
  };
}

/** A Connection for the edge's client, signed in as it was at the edge (checked again here, against the store). */
function open(ctx: ServerContext, link: FrameLink, envelope: Envelope): RemoteSocket {
  const socket = new RemoteSocket(link, envelope.from, envelope.conn);
  const conn = new Connection(socket as unknown as WebSocket, envelope.address ?? 'unknown', ctx);
  // Counted here as well as at the edge (Connection's close counts it down): the gauge says what each instance serves.
  ctx.metrics.connections.inc();
  const token = envelope.token;
  if (token !== undefined) {
    socket.chain = ctx.accounts.authenticate(token).then(
      (principal) => {
        conn.principal = { accountId: principal.accountId, username: principal.username, token };
      },
      (err: unknown) => ctx.logger.info({ event: 'remote_sign_in_refused', edge: envelope.from, err: String(err) }),
    );
  }
  ctx.logger.debug({ event: 'remote_client_opened', edge: envelope.from, conn: envelope.conn });
  return socket;
}
