/** Opening benchmark sockets: real wss, the server's own certificate pinned, loopback only. */
import WebSocket from 'ws';
import { SUBPROTOCOL } from '../../../signaling/src/protocol/index.js';

export interface Endpoint {
  url: string;
  /** PEM of the server's self-signed certificate: the only one the clients trust. */
  ca: string;
}

/**
 * One source address per this many sockets. A local (address, port) pair can
 * only be used once, and there are ~28,000 ephemeral ports, so 10,000 sockets
 * from one address (plus TIME_WAIT left by earlier phases) would come close.
 */
const SOCKETS_PER_ADDRESS = 1000;

/** 127.0.0.1, then .2, … — all of 127/8 is loopback on Linux. */
export function sourceAddress(i: number): string {
  return `127.0.0.${1 + (Math.floor(i / SOCKETS_PER_ADDRESS) % 254)}`;
}

export function openSocket(endpoint: Endpoint, i: number, timeoutMs = 30_000, url = endpoint.url): Promise<WebSocket> {
  const ws = new WebSocket(url, [SUBPROTOCOL], {
    ca: endpoint.ca,
    localAddress: sourceAddress(i),
    handshakeTimeout: timeoutMs,
    // The servers refuse compression; not offering it keeps the handshake identical for both.
    perMessageDeflate: false,
    // The clients' CPU is shared with the servers' on this machine; do not spend it on checks we don't need.
    skipUTF8Validation: true,
  });
  // An error after open must not crash the run; the close event tells us the socket is gone.
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed before open (${code})`)));
  });
}

/** A minimal request/reply helper for the set-up steps (register, create meetings, join). */
export class Rpc {
  private nextRid = 1;
  private readonly pending = new Map<number, (reply: Record<string, unknown>) => void>();

  constructor(readonly ws: WebSocket) {
    ws.on('message', this.onMessage);
  }

  private readonly onMessage = (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as Record<string, unknown>;
    const rid = message.rid;
    if (typeof rid === 'number') this.pending.get(rid)?.(message);
  };

  /** Sends `message` with a fresh rid; resolves with the reply, rejects on an error reply or timeout. */
  request(message: Record<string, unknown>, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const rid = this.nextRid++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new Error(`${String(message.type)}: no reply in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rid, (reply) => {
        clearTimeout(timer);
        this.pending.delete(rid);
        if (reply.type === 'error') reject(new Error(`${String(message.type)}: ${String(reply.code)} ${String(reply.message)}`));
        else resolve(reply);
      });
      this.ws.send(JSON.stringify({ ...message, rid }));
    });
  }

  /** Stops listening, so the socket can be handed to the load generator. */
  detach(): WebSocket {
    this.ws.off('message', this.onMessage);
    return this.ws;
  }
}
