/**
 * Serves the baseline page and a bare relay over the same TLS certificate as
 * the meriMeet server under test: every frame a socket sends goes as-is to
 * the other members of its room (`/relay?room=NAME`). Runs in the bench
 * process, like the meriMeet server it is compared with.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

type Pages = Record<string, { type: string; url: URL }>;

/** The call benchmark's page; other benchmarks hand their own (files/raw-channel.*). */
const CALL_PAGES: Pages = {
  '/baseline.html': { type: 'text/html; charset=utf-8', url: new URL('./baseline.html', import.meta.url) },
  '/baseline.js': { type: 'text/javascript; charset=utf-8', url: new URL('./baseline.js', import.meta.url) },
};

export interface BaselineServer {
  /** https://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

export async function startBaselineServer(tls: { cert: string; key: string }, pages: Pages = CALL_PAGES): Promise<BaselineServer> {
  const server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    const file = pages[(req.url ?? '/').split('?')[0]!];
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(readFileSync(file.url));
  });
  const wss = new WebSocketServer({ server, path: '/relay', perMessageDeflate: false });
  const rooms = new Map<string, Set<WebSocket>>();
  wss.on('connection', (ws, req) => {
    const name = new URL(req.url ?? '/', 'https://relay').searchParams.get('room') ?? '';
    const members = rooms.get(name) ?? new Set<WebSocket>();
    rooms.set(name, members);
    members.add(ws);
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      for (const other of members) if (other !== ws) other.send(data, { binary: isBinary });
    });
    ws.on('close', () => {
      members.delete(ws);
      if (members.size === 0) rooms.delete(name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    close: async () => {
      for (const members of rooms.values()) for (const ws of members) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
