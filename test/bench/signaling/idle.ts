/**
 * Idle connections: how many a server holds, how fast they open, and what
 * each costs in server memory. Optionally checks that the server still
 * answers a request while holding them all.
 */
import type WebSocket from 'ws';
import { rssBytes, sleep } from '../support/processes.js';
import { mapLimit } from '../support/stats.js';
import { openSocket, Rpc } from './connect.js';
import type { ServerUnderTest } from './servers.js';

export interface IdleResult {
  requested: number;
  held: number;
  failed: number;
  firstError: string | null;
  openSeconds: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rssPerConnectionBytes: number | null;
  /** Round trip of a protocol `ping` over one of the held sockets; null if not checked or no answer. */
  pingMs: number | null;
  pingError: string | null;
}

export interface IdleOptions {
  count: number;
  concurrency: number;
  /** Give up opening more after this long, and report what was held. */
  timeLimitMs: number;
  /** Send a meriMeet `ping` while holding the sockets (the bare relay would just echo it along). */
  checkPing: boolean;
  log(line: string): void;
}

/** How long to let the server settle (finish handshakes, collect garbage) before reading its memory. */
const SETTLE_MS = 2000;

export async function holdIdle(server: ServerUnderTest, o: IdleOptions): Promise<IdleResult> {
  await sleep(SETTLE_MS);
  const rssBeforeBytes = rssBytes(server.pid);
  const sockets: WebSocket[] = [];
  let failed = 0;
  let firstError: string | null = null;
  const start = Date.now();
  const deadline = start + o.timeLimitMs;
  const progress = setInterval(() => o.log(`  ${sockets.length} open, ${failed} failed`), 5000);
  try {
    await mapLimit(o.count, o.concurrency, async (i) => {
      if (Date.now() > deadline) return;
      try {
        sockets.push(await openSocket(server, i, 30_000));
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    });
  } finally {
    clearInterval(progress);
  }
  const openSeconds = (Date.now() - start) / 1000;

  await sleep(SETTLE_MS);
  const held = sockets.filter((ws) => ws.readyState === ws.OPEN).length;
  const rssAfterBytes = rssBytes(server.pid);
  o.log(`  held ${held} of ${o.count} after ${openSeconds.toFixed(1)} s`);

  let pingMs: number | null = null;
  let pingError: string | null = null;
  const probe = sockets.find((ws) => ws.readyState === ws.OPEN);
  if (o.checkPing && probe) {
    const rpc = new Rpc(probe);
    const t0 = performance.now();
    try {
      const reply = await rpc.request({ type: 'ping' }, 10_000);
      if (reply.type === 'pong') pingMs = performance.now() - t0;
      else pingError = `answered ${String(reply.type)}`;
    } catch (err) {
      pingError = err instanceof Error ? err.message : String(err);
    }
    rpc.detach();
  } else if (o.checkPing) {
    pingError = 'no open socket to ask';
  }

  for (const ws of sockets) ws.terminate();
  return {
    requested: o.count,
    held,
    failed,
    firstError,
    openSeconds,
    rssBeforeBytes,
    rssAfterBytes,
    rssPerConnectionBytes: held > 0 ? (rssAfterBytes - rssBeforeBytes) / held : null,
    pingMs,
    pingError,
  };
}
