/**
 * A malicious signaling server for the end-to-end trust tests (issue: "the
 * signaling server cannot listen in"). It is the real server with a hostile
 * layer in front: an HTTPS + WebSocket proxy on its own port that serves the
 * real web client (every HTTP request is passed through) and carries every
 * WebSocket frame between the browser and the real server — and can read,
 * alter, drop, replay or invent any of them, exactly what a compromised
 * server could do. It never learns the meeting password or key: like the
 * real server it sees only what clients send it.
 *
 * Frames are JSON text. Tampering happens on frames going *to* a browser
 * (server → client), which is where a server's lies land.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { loadTlsMaterial } from '../../../signaling/src/tls/certificate.js';
import type { E2EServer } from './server-env.js';

/** One browser's connection through the proxy. */
export interface Victim {
  /** The display name it joined with (from its room.join). */
  name: string | null;
  /** Its peer id (from the server's room.joined). */
  peerId: string | null;
  /** Sends a frame to this browser as if the server had sent it. */
  deliver(frame: object): void;
}

/** Sees each server → client frame; returns the frame to deliver (possibly changed), or null to drop it. */
export type Tamper = (message: Record<string, unknown>, to: Victim, proxy: MaliciousServer) => Record<string, unknown> | null;

export interface SignalRecord {
  fromName: string | null;
  toName: string | null;
  message: Record<string, unknown>;
}

export class MaliciousServer {
  private readonly victims = new Set<Victim>();
  /** Every `signal` frame delivered to a browser, in order: material for replays. */
  readonly delivered: SignalRecord[] = [];
  tamper: Tamper | null = null;

  private constructor(
    private readonly https: Server,
    private readonly wss: WebSocketServer,
    readonly address: E2EServer,
    /** Where its own self-signed certificate lives; removed by close(). */
    private readonly tlsDir: string,
  ) {}

  /** Starts the proxy in front of `upstream`, with a certificate of its own (the attacker's). */
  static async start(upstream: E2EServer): Promise<MaliciousServer> {
    const tlsDir = mkdtempSync(join(tmpdir(), 'merimeet-evil-'));
    const tls = await loadTlsMaterial({ dataDir: tlsDir });
    const upstreamUrl = new URL(upstream.origin);
    const https = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      // The real web client, with the real headers (CSP included).
      const forward = httpsRequest(
        { host: upstreamUrl.hostname, port: upstreamUrl.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstreamUrl.host }, ca: upstream.ca },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    });
    const wss = new WebSocketServer({ server: https, path: '/ws', handleProtocols: (protocols) => [...protocols][0] ?? false });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const { port } = https.address() as AddressInfo;
    const proxy = new MaliciousServer(https, wss, { url: `wss://127.0.0.1:${port}/ws`, origin: `https://127.0.0.1:${port}`, ca: upstream.ca }, tlsDir);
    wss.on('connection', (client, req) => proxy.carry(client, upstream, String(req.headers['sec-websocket-protocol'] ?? '')));
    return proxy;
  }

  /** The browser that joined as `name`. */
  victim(name: string): Victim {
    const v = [...this.victims].find((x) => x.name === name);
    if (!v) throw new Error(`nobody called ${name} is connected through the malicious server`);
    return v;
  }

  nameOf(peerId: unknown): string | null {
    return [...this.victims].find((x) => x.peerId === peerId)?.name ?? null;
  }

  private carry(client: WebSocket, upstream: E2EServer, protocol: string): void {
    const server = new WebSocket(upstream.url, protocol ? [protocol] : [], { ca: upstream.ca });
    const pending: string[] = [];
    const victim: Victim = {
      name: null,
      peerId: null,
      deliver: (frame) => client.readyState === WebSocket.OPEN && client.send(JSON.stringify(frame)),
    };
    this.victims.add(victim);
    client.on('message', (data) => {
      const text = data.toString();
      const m = parse(text);
      if (m?.type === 'room.join' && typeof m.displayName === 'string') victim.name = m.displayName;
      if (server.readyState === WebSocket.OPEN) server.send(text);
      else pending.push(text);
    });
    server.on('open', () => {
      for (const t of pending.splice(0)) server.send(t);
    });
    server.on('message', (data) => {
      let m = parse(data.toString());
      if (!m) return client.send(data.toString());
      if (m.type === 'room.joined' && typeof m.peerId === 'string') victim.peerId = m.peerId;
      if (this.tamper) m = this.tamper(m, victim, this);
      if (!m) return;
      if (m.type === 'signal') this.delivered.push({ fromName: this.nameOf(m.from), toName: victim.name, message: structuredClone(m) });
      victim.deliver(m);
    });
    const closeBoth = () => {
      this.victims.delete(victim);
      client.close();
      server.close();
    };
    client.on('close', closeBoth);
    server.on('close', closeBoth);
    client.on('error', closeBoth);
    server.on('error', closeBoth);
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.https.closeAllConnections();
    await new Promise<void>((resolve) => this.https.close(() => resolve()));
    rmSync(this.tlsDir, { recursive: true, force: true });
  }
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const m = JSON.parse(text) as unknown;
    return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Replaces every `a=fingerprint` value in an SDP with one of the attacker's choosing. */
export function swapFingerprints(sdp: string): string {
  const mallory = Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
  return sdp.replace(/^(a=fingerprint:\S+ )\S+/gm, `$1${mallory}`);
}
