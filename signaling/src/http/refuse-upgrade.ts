/**
 * Turns down a WebSocket upgrade the server will not take (a path other than
 * /ws, or any upgrade while draining) with a plain HTTP status, the way ws's
 * own abortHandshake does.
 *
 * Why this needs care: once Node's HTTP server emits 'upgrade' it removes its
 * own 'error' listener from the socket, so the socket is ours alone. A client
 * that resets the connection right after its request (ECONNRESET on read, or
 * EPIPE on our write) then makes the socket emit 'error' with nobody
 * listening, and an unhandled 'error' event kills the process. So the listener
 * goes on before anything is written, and the socket is destroyed once the
 * answer is flushed (or at once, on error) so nothing lingers half-open.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeRefusal = 404 | 503;

export function refuseUpgrade(socket: Duplex, status: UpgradeRefusal, onSocketError: (err: NodeJS.ErrnoException) => void): void {
  socket.on('error', (err: NodeJS.ErrnoException) => {
    onSocketError(err);
    socket.destroy();
  });
  if (!socket.writable) {
    // Already reset before we got to answer: there is no one to tell.
    socket.destroy();
    return;
  }
  const reason = STATUS_CODES[status] ?? 'Refused';
  const body = `${reason}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
  );
}
