/**
 * Refused WebSocket upgrades must never take the server down. Behind a proxy
 * (plain HTTP on loopback), an upgrade to a path other than /ws whose client
 * reset the TCP connection right after sending it used to kill the process
 * with "Error: read ECONNRESET … Emitted 'error' event on Socket instance":
 * the refusal wrote to a socket that had no 'error' listener
 * (signaling/src/http/refuse-upgrade.ts says why). During a drain every
 * upgrade is refused, so the same crash could strike then.
 *
 * The server runs as its own process, so a crash shows up as an exit here
 * instead of taking the test runner down with it.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, plainHealthz, resetBurst, upgradeRequest, writeThenReset } from '../support/raw-upgrade.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { TestClient } from '../support/test-client.js';
import { sleep } from '../support/meeting.js';
import { tempDataDir } from '../support/test-server.js';

/** The field report: it died on the second burst of 300; three bursts leave a margin. */
const BURSTS = 3;
const BURST_SIZE = 300;
/** A loopback /healthz answers in milliseconds; 5 s only absorbs a loaded 2-core machine. */
const HEALTHZ_BUDGET_MS = 5_000;

async function expectServing(server: ServerProcess, port: number): Promise<void> {
  await sleep(100); // lets an 'error' that was already queued reach the process before we look
  expect(server.child.exitCode, `server output:\n${server.output().slice(-2000)}`).toBeNull();
  expect(await plainHealthz(port, HEALTHZ_BUDGET_MS)).toBe(200);
  const client = await TestClient.connect(server.url, '');
  expect((await client.request({ type: 'ping' }, HEALTHZ_BUDGET_MS)).type).toBe('pong');
  client.close();
  await client.closed;
}

/** Polls until `check` holds; `budgetMs` is how long that may fairly take, named in the failure. */
async function waitFor(check: () => boolean, budgetMs: number, what: string): Promise<void> {
  const deadline = Date.now() + budgetMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`waited ${budgetMs} ms for ${what}`);
    await sleep(10);
  }
}

function portOf(server: ServerProcess): number {
  return Number(new URL(server.url).port);
}

describe('refused upgrades behind a proxy', () => {
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = tempDataDir();
    server = await startServerProcess(dataDir, ['--behind-proxy', '--log-level', 'warn']);
  });
  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`survives bursts of ${BURST_SIZE} upgrades to a wrong path whose clients reset the connection`, async () => {
    const port = portOf(server);
    expect(server.url).toMatch(/^ws:\/\//);
    for (let burst = 1; burst <= BURSTS; burst++) {
      await resetBurst(port, BURST_SIZE, '/not-ws');
      await expectServing(server, port);
    }
  });

  it('still answers a refused upgrade that is not reset with 404', async () => {
    const socket = await openSocket(portOf(server));
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(upgradeRequest('/elsewhere'));
    await closed; // the server closes after answering: Connection: close
    expect(reply).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });
});

describe('refused upgrades during a drain', () => {
  it('drains to a clean exit while upgrades arriving in the drain are reset by their clients', async () => {
    const dataDir = tempDataDir();
    const server = await startServerProcess(dataDir, ['--behind-proxy', '--log-level', 'warn']);
    try {
      const port = portOf(server);
      // A WebSocket that never answers the close frame keeps the drain going for its
      // full 2 s (cli.ts → shutdown()), the window in which the upgrades below arrive.
      const stubborn = await openSocket(port);
      let stubbornSaw = '';
      stubborn.on('data', (chunk: Buffer) => (stubbornSaw += chunk.toString('latin1')));
      stubborn.write(upgradeRequest('/ws'));
      // A loopback handshake takes milliseconds; the budget absorbs a loaded machine.
      await waitFor(() => stubbornSaw.includes('101 Switching Protocols'), HEALTHZ_BUDGET_MS, 'the handshake');
      // Requests begun before the drain, so their connections are busy (not idle) when
      // the listener closes, and finished after it began: each one is refused with 503.
      const head = (path: string) => upgradeRequest(path).slice(0, -2);
      const pending = await Promise.all(Array.from({ length: BURST_SIZE }, () => openSocket(port)));
      for (const [i, socket] of pending.entries()) socket.write(head(i % 2 === 0 ? '/ws' : '/not-ws'));
      const witness = await openSocket(port);
      let witnessSaw = '';
      witness.on('data', (chunk: Buffer) => (witnessSaw += chunk.toString('latin1')));
      witness.write(head('/ws'));
      await sleep(200); // lets the server read the partial requests before the drain begins

      server.child.kill('SIGTERM');
      // The drain notice goes out as soon as the signal is handled; same budget.
      await waitFor(() => stubbornSaw.includes('server.draining'), HEALTHZ_BUDGET_MS, 'the drain notice');
      witness.write('\r\n');
      await Promise.all(pending.map((socket) => writeThenReset(socket, '\r\n')));

      const exit = await server.exited;
      expect(exit, `server output:\n${server.output().slice(-2000)}`).toEqual({ code: 0, signal: null });
      expect(server.output()).not.toMatch(/Unhandled 'error' event|ECONNRESET/);
      // The drain really was refusing upgrades while the resets arrived.
      expect(witnessSaw).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      stubborn.destroy();
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
