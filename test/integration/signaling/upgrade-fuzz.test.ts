/**
 * Property-based fuzzing of the HTTP upgrade path of ONE real server behind a
 * proxy (plain HTTP on loopback, in its own process): random methods, paths
 * and headers (upgrade headers right, wrong and missing), requests cut short
 * at a random byte, sent in random pieces, and the connection ended at a
 * random point: a TCP reset before, during or after the request, a clean
 * close, or a wait for the answer. Whatever arrives, the process must stay up
 * and keep answering /healthz and WebSocket clients.
 *
 * Bounded in count and in time (fast-check stops early at TIME_LIMIT_MS);
 * the seed is fixed (FUZZ_SEED overrides) and printed with any counterexample.
 */
import { rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBPROTOCOL } from '../../../signaling/src/protocol/index.js';
import { sleep } from '../support/meeting.js';
import { openSocket, plainHealthz } from '../support/raw-upgrade.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { TestClient } from '../support/test-client.js';
import { tempDataDir } from '../support/test-server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x75706772);
/** FUZZ_SCALE=3 fuzzes three times as many requests. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RUNS = Math.max(1, Math.round(400 * SCALE));
/** 400 cases take about 15 s here (most wait PATIENCE_MS at most); 40 s is the ceiling on a loaded 2-core machine. */
const TIME_LIMIT_MS = 40_000 * SCALE;
/**
 * How long a connection waits for the server to answer or close before the
 * fuzzer moves on. Not an assertion: a request cut short gets no answer (the
 * server rightly waits for the rest) and an accepted upgrade stays open, so
 * this only bounds the time each case takes. A loopback answer takes ~1 ms.
 */
const PATIENCE_MS = 150;
/** /healthz and a ping answer in milliseconds; 5 s absorbs a busy machine. */
const SERVING_BUDGET_MS = 5_000;
/** Check that the server still answers after every this many requests. */
const CHECK_EVERY = 50;

type Ending = 'reset-before' | 'reset-mid' | 'reset-after' | 'end' | 'await-answer' | 'await-then-reset';

interface Attempt {
  method: string;
  path: string;
  headers: [string, string][];
  /** Fraction of the request actually sent (1: all of it). */
  keep: number;
  /** Sizes of the pieces it is written in (cycled). */
  pieces: number[];
  ending: Ending;
}

const headerName = fc.oneof(
  fc.constantFrom('Host', 'Upgrade', 'Connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Sec-WebSocket-Protocol', 'X-Forwarded-For', 'Content-Length', 'Transfer-Encoding', 'Origin'),
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/),
  fc.string({ maxLength: 12 }), // not a token at all: a parse error for the server
);
const headerValue = fc.oneof(
  fc.constantFrom('websocket', 'Upgrade', 'upgrade, keep-alive', 'dGhlIHNhbXBsZSBub25jZQ==', '13', '8', SUBPROTOCOL, 'chunked', '0', '999999', '127.0.0.1, 10.0.0.1', 'not-an-ip', ''),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const path = fc.oneof(
  fc.constantFrom('/ws', '/ws?x=1', '/', '/not-ws', '/healthz', '/metrics', '//ws', '/ws/', '*', '/%00', 'http://127.0.0.1/ws'),
  fc.webPath(),
  fc.string({ maxLength: 60 }),
  fc.string({ minLength: 2000, maxLength: 9000 }).map((s) => `/${s}`), // past nginx's usual 8 KB line
);
const attempt: fc.Arbitrary<Attempt> = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'CONNECT'), fc.string({ maxLength: 8 })),
  path,
  headers: fc.oneof(
    // The headers of a real upgrade, with some random ones among them.
    fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }).map((extra) => [
      ['Host', '127.0.0.1'] as [string, string],
      ['Upgrade', 'websocket'] as [string, string],
      ['Connection', 'Upgrade'] as [string, string],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='] as [string, string],
      ['Sec-WebSocket-Version', '13'] as [string, string],
      ...extra,
    ]),
    fc.array(fc.tuple(headerName, headerValue), { maxLength: 12 }),
  ),
  keep: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  pieces: fc.array(fc.integer({ min: 1, max: 512 }), { minLength: 1, maxLength: 5 }),
  ending: fc.constantFrom<Ending>('reset-before', 'reset-mid', 'reset-after', 'end', 'await-answer', 'await-then-reset'),
});

function requestBytes(a: Attempt): Buffer {
  const head = `${a.method} ${a.path} HTTP/1.1\r\n${a.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  const bytes = Buffer.from(head, 'latin1');
  return bytes.subarray(0, Math.floor(bytes.length * a.keep));
}

function write(socket: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.write(bytes, () => resolve());
  });
}

/** Resolves when the socket closes (or, with `orData`, first hears back) or after `ms`, whichever comes first. */
function closedOrAfter(socket: Socket, ms: number, orData = false): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.once('close', done);
    if (orData) socket.once('data', done);
  });
}

async function play(port: number, a: Attempt): Promise<void> {
  const socket = await openSocket(port);
  socket.resume(); // read (and drop) whatever the server answers, so it is never stuck writing to us
  const bytes = requestBytes(a);
  if (a.ending === 'reset-before') {
    socket.resetAndDestroy();
    return closedOrAfter(socket, PATIENCE_MS);
  }
  const midpoint = Math.floor(bytes.length / 2);
  let sent = 0;
  for (let i = 0; sent < bytes.length; i++) {
    const size = a.pieces[i % a.pieces.length]!;
    const end = a.ending === 'reset-mid' && sent < midpoint ? Math.min(sent + size, midpoint) : sent + size;
    await write(socket, bytes.subarray(sent, end));
    sent = Math.min(end, bytes.length);
    if (a.ending === 'reset-mid' && sent >= midpoint) break;
  }
  switch (a.ending) {
    case 'reset-mid':
    case 'reset-after':
      socket.resetAndDestroy();
      break;
    case 'end':
      socket.end();
      break;
    case 'await-answer':
      await closedOrAfter(socket, PATIENCE_MS, true);
      break;
    case 'await-then-reset':
      // Reset just as the answer arrives: the moment the refusal is being written.
      await closedOrAfter(socket, PATIENCE_MS, true);
      if (!socket.destroyed) socket.resetAndDestroy();
      break;
  }
  socket.destroy();
}

describe('upgrade fuzzing behind a proxy', () => {
  let dataDir: string;
  let server: ServerProcess;
  let port: number;

  async function expectServing(what: string): Promise<void> {
    await sleep(20); // an 'error' already queued gets the chance to end the process before we look
    expect(server.child.exitCode, `${what}; server output:\n${server.output().slice(-2000)}`).toBeNull();
    expect(await plainHealthz(port, SERVING_BUDGET_MS), what).toBe(200);
  }

  beforeAll(async () => {
    dataDir = tempDataDir();
    // No per-address cap: every fuzzed connection comes from 127.0.0.1, and the ones that
    // do complete a handshake must not crowd out the final check's client.
    server = await startServerProcess(dataDir, ['--behind-proxy', '--log-level', 'warn', '--max-connections-per-address', '0']);
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stays up and keeps answering whatever upgrade requests arrive and however they end', async () => {
    let played = 0;
    await fc.assert(
      fc.asyncProperty(attempt, async (a) => {
        await play(port, a);
        if (++played % CHECK_EVERY === 0) await expectServing(`after ${played} requests`);
        expect(server.child.exitCode, `server output:\n${server.output().slice(-2000)}`).toBeNull();
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
    );
    // Enough of the budget was used for the fuzzing to mean something.
    expect(played).toBeGreaterThanOrEqual(Math.min(RUNS, 100));
    await expectServing(`after all ${played} requests`);
    const client = await TestClient.connect(server.url, '');
    expect((await client.request({ type: 'ping' }, SERVING_BUDGET_MS)).type).toBe('pong');
    client.close();
    await client.closed;
  });
});
