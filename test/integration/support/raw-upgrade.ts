/**
 * Upgrade requests by hand over plain TCP (the server behind a proxy speaks
 * plain HTTP on loopback), so a test can cut the connection at exactly the
 * moment it wants, with a TCP reset if it likes, which no client library does.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { SUBPROTOCOL } from '../../../signaling/src/protocol/index.js';

export function upgradeRequest(path: string, extraHeaders: string[] = []): string {
  return (
    [
      `GET ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Protocol: ${SUBPROTOCOL}`,
      ...extraHeaders,
    ].join('\r\n') + '\r\n\r\n'
  );
}

/** Resolves once the socket is connected; rejects on a connect error. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.off('error', reject);
      // After connecting, errors are expected (we reset on purpose); they end up as 'close'.
      socket.on('error', () => socket.destroy());
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Writes `bytes`, then resets the connection (RST, not FIN) as soon as they are handed to the kernel. */
export function writeThenReset(socket: Socket, bytes: string): Promise<void> {
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.write(bytes, () => socket.resetAndDestroy());
  });
}

/** `count` connections at once, each sending a whole upgrade request to `path` and resetting right after. */
export async function resetBurst(port: number, count: number, path: string): Promise<void> {
  const sockets = await Promise.all(Array.from({ length: count }, () => openSocket(port)));
  await Promise.all(sockets.map((s) => writeThenReset(s, upgradeRequest(path))));
}

/** GET /healthz over plain HTTP: the status, or a description of what went wrong. */
export function plainHealthz(port: number, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`GET /healthz took over ${timeoutMs} ms`)));
    req.on('error', (err) => resolve(`GET /healthz failed: ${err.message}`));
    req.end();
  });
}
