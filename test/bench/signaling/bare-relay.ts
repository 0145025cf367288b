/**
 * The baseline: the least a WebSocket relay can do over the same TLS
 * transport as meriMeet (same certificate, same `ws` library, same frame cap,
 * no compression). No accounts, no validation, no JSON: a socket joins the
 * room named in its URL (`/?room=NAME`), and every frame it sends goes as-is
 * to the next member of that room, in order of arrival.
 *
 *   node --import tsx test/bench/signaling/bare-relay.ts --cert FILE --key FILE [--host 127.0.0.1] [--port 0]
 *
 * Prints `bare relay on wss://HOST:PORT/` to stderr when it listens.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
// limits.js alone, not the protocol index: the baseline should not even load the schemas.
import { MAX_FRAME_BYTES } from '../../../signaling/src/protocol/limits.js';

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    cert: { type: 'string' },
    key: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: node --import tsx test/bench/signaling/bare-relay.ts --cert FILE --key FILE [--host 127.0.0.1] [--port 0]\n\n' +
      'The signaling benchmark\'s baseline: a bare ws relay over TLS. A socket joins the room named in its URL\n' +
      '(/?room=NAME) and each frame it sends goes as-is to the next member of that room.\n',
  );
  process.exit(0);
}
if (!values.cert || !values.key) throw new Error('--cert and --key are required (see --help)');

const server = createServer({
  cert: readFileSync(values.cert),
  key: readFileSync(values.key),
  minVersion: 'TLSv1.2',
});
const wss = new WebSocketServer({
  server,
  maxPayload: MAX_FRAME_BYTES,
  perMessageDeflate: false,
  clientTracking: false,
  // Accept whatever subprotocol the client offers, so the handshake matches meriMeet's.
  handleProtocols: (protocols) => protocols.values().next().value ?? false,
});

const rooms = new Map<string, WebSocket[]>();

wss.on('connection', (ws, req) => {
  const name = new URL(req.url ?? '/', 'https://relay').searchParams.get('room') ?? '';
  const members = rooms.get(name) ?? [];
  rooms.set(name, members);
  members.push(ws);
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => {
    const next = members[(members.indexOf(ws) + 1) % members.length];
    if (next && next !== ws) next.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    members.splice(members.indexOf(ws), 1);
    if (members.length === 0) rooms.delete(name);
  });
});

server.listen(Number(values.port), values.host, () => {
  const { port } = server.address() as AddressInfo;
  process.stderr.write(`bare relay on wss://${values.host}:${port}/\n`);
});
// Exit through process.exit so that `node --cpu-prof` gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
