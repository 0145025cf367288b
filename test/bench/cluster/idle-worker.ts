/**
 * One process of idle clients for the cluster benchmark (idle.ts starts one
 * per instance): a process may hold only as many sockets as its open-file
 * limit, and 30,000 do not fit in one process on a machine whose hard limit
 * is 20,000. Opens --count sockets to --url, prints one JSON line with what
 * it holds, and keeps them until its standard input closes.
 *
 *   node --import tsx test/bench/cluster/idle-worker.ts --url ws://… --count N --first K --concurrency C
 */
import { parseArgs } from 'node:util';
import type WebSocket from 'ws';
import { openSocket } from '../signaling/connect.js';
import { mapLimit } from '../support/stats.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    count: { type: 'string' },
    /** Index of this worker's first socket: its source addresses follow the other workers' (connect.ts). */
    first: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '200' },
  },
});
const url = values.url!;
const count = Number(values.count);
const first = Number(values.first);

const sockets: WebSocket[] = [];
let failed = 0;
let firstError: string | null = null;
const start = Date.now();
await mapLimit(count, Number(values.concurrency), async (i) => {
  try {
    sockets.push(await openSocket({ url, ca: '' }, first + i, 30_000));
  } catch (err) {
    failed++;
    firstError ??= err instanceof Error ? err.message : String(err);
  }
});
const openSeconds = (Date.now() - start) / 1000;
const held = sockets.filter((ws) => ws.readyState === ws.OPEN).length;
process.stdout.write(JSON.stringify({ held, failed, firstError, openSeconds }) + '\n');
process.stdin.resume();
process.stdin.once('end', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
