/**
 * What protects the server from its clients: frame size, malformed frames,
 * the rate limiter, the subprotocol check, connection caps, heartbeats, the
 * slow-consumer cut-off; plus health, metrics, and logs that never hold a
 * secret. Each describe block runs its own server with tight limits.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, MAX_FRAME_BYTES, SUBPROTOCOL, type ServerMessageOf } from '../../../signaling/src/protocol/index.js';
import { httpsGet, metricValue } from '../support/https.js';
import { connect, hostMeeting, join, sleep, uniqueUsername } from '../support/meeting.js';
import { memoryAfterGc, mib } from '../support/memory.js';
import { newMeetingKey, TestClient } from '../support/test-client.js';
import { startServerProcess } from '../support/server-process.js';
import { startTestServer, tempDataDir, type TestServer } from '../support/test-server.js';

type ErrorMessage = ServerMessageOf<'error'>;

/** Rejects if the promise does not settle in time, naming what was awaited. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function waitUntil(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await sleep(25);
  }
}

async function metric(t: TestServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  const { body } = await httpsGet(t, '/metrics');
  return metricValue(body, name, labels) ?? 0;
}

/** A ping that must be answered with a pong: the server is still serving this client. */
async function pingPong(c: TestClient, what = 'pong'): Promise<void> {
  const reply = await c.request({ type: 'ping' }, 5_000);
  expect(reply.type, what).toBe('pong');
}

/**
 * A WebSocket handshake by hand, so the test sees exactly what the server
 * answers even when a client library would give up first (ws aborts when the
 * server selects none of the offered subprotocols).
 */
function rawHandshake(
  t: TestServer,
  protocols: string[],
): Promise<{ status: number; selected: string | undefined; close?: { code: number; reason: string } }> {
  const { hostname, port } = new URL(t.url);
  const headers: Record<string, string> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
  };
  if (protocols.length > 0) headers['Sec-WebSocket-Protocol'] = protocols.join(', ');
  const done = new Promise<{ status: number; selected: string | undefined; close?: { code: number; reason: string } }>(
    (resolve, reject) => {
      const req = request({ hostname, port, path: '/ws', ca: t.ca, headers });
      req.on('error', reject);
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, selected: undefined });
      });
      req.on('upgrade', (res, socket, head) => {
        const selected = res.headers['sec-websocket-protocol'] as string | undefined;
        let buf = head;
        const tryParse = () => {
          // Server frames are unmasked; a close frame's payload is < 126 bytes.
          if (buf.length < 2) return;
          const opcode = buf[0]! & 0x0f;
          const len = buf[1]! & 0x7f;
          if (buf.length < 2 + len) return;
          socket.destroy();
          if (opcode !== 0x8) return reject(new Error(`expected a close frame first, got opcode ${opcode}`));
          resolve({
            status: 101,
            selected,
            close: { code: buf.readUInt16BE(2), reason: buf.subarray(4, 2 + len).toString('utf8') },
          });
        };
        socket.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          tryParse();
        });
        socket.on('error', reject);
        tryParse();
      });
      req.end();
    },
  );
  return within(done, 5_000, 'the handshake');
}

// ─────────────────────────────────────────────────────────────────────────────

describe('frames', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.stop());

  it('closes a socket that sends a frame over 64 KiB with 1009, and keeps serving the others', async () => {
    const bystander = await connect(t);
    const big = await connect(t);
    big.send(`{"type":"ping","pad":"${'x'.repeat(MAX_FRAME_BYTES)}"}`);
    expect(await within(big.closed, 5_000, 'close')).toMatchObject({ code: CLOSE.tooLarge });
    await pingPong(bystander);
    const after = await connect(t);
    await pingPong(after, 'a new connection is served too');
    bystander.close();
    after.close();
  });

  it('accepts a frame of exactly 64 KiB (the cap is inclusive) and answers it', async () => {
    const c = await connect(t);
    const prefix = '{"type":"ping","rid":9,"pad":"';
    const frame = `${prefix}${'x'.repeat(MAX_FRAME_BYTES - prefix.length - 2)}"}`;
    expect(Buffer.byteLength(frame)).toBe(MAX_FRAME_BYTES);
    c.send(frame);
    const reply = await c.next((m) => m.type === 'error', 5_000, 'error');
    expect(reply).toMatchObject({ type: 'error', code: 'bad_message', rid: 9 });
    expect((reply as ErrorMessage).message).toContain('pad');
    await pingPong(c);
    c.close();
  });

  it('answers text that is not JSON with bad_json and no rid', async () => {
    const c = await connect(t);
    c.send('{"type":"ping","rid":1');
    const reply = (await c.nextOf('error', 5_000)) as ErrorMessage;
    expect(reply.code).toBe('bad_json');
    expect(reply).not.toHaveProperty('rid');
    c.close();
  });

  it('answers an unknown type with bad_message naming `type`, echoing the rid', async () => {
    const c = await connect(t);
    const reply = await c.request({ type: 'nuke.everything' } as never);
    expect(reply).toMatchObject({ type: 'error', code: 'bad_message' });
    expect((reply as ErrorMessage).message).toMatch(/^type\b/);
    c.close();
  });

  it('answers a missing field with bad_message naming the field, echoing the rid', async () => {
    const c = await connect(t);
    c.send({ type: 'room.join', rid: 41, meetingId: 'abc-defg-hjk', displayName: 'No Key' });
    const reply = (await c.next((m) => 'rid' in m && m.rid === 41, 5_000)) as ErrorMessage;
    expect(reply).toMatchObject({ type: 'error', code: 'bad_message', rid: 41 });
    expect(reply.message).toContain('admissionKey');
    c.close();
  });

  it('answers a field the protocol does not define with bad_message naming it, echoing the rid', async () => {
    const c = await connect(t);
    c.send({ type: 'ping', rid: 42, colour: 'blue' });
    const reply = (await c.next((m) => 'rid' in m && m.rid === 42, 5_000)) as ErrorMessage;
    expect(reply).toMatchObject({ type: 'error', code: 'bad_message', rid: 42 });
    expect(reply.message).toContain('colour');
    c.close();
  });

  it('does not echo a rid that is out of range, but still answers bad_message', async () => {
    const c = await connect(t);
    c.send({ type: 'ping', rid: 2 ** 31 });
    const reply = (await c.nextOf('error', 5_000)) as ErrorMessage;
    expect(reply.code).toBe('bad_message');
    expect(reply.message).toContain('rid');
    expect(reply).not.toHaveProperty('rid');
    c.close();
  });

  it('answers a binary frame with bad_message', async () => {
    const c = await connect(t);
    c.ws.send(Buffer.from(JSON.stringify({ type: 'ping', rid: 1 })), { binary: true });
    const reply = (await c.nextOf('error', 5_000)) as ErrorMessage;
    expect(reply.code).toBe('bad_message');
    expect(c.pending('pong')).toEqual([]);
    c.close();
  });

  it('closes a socket whose text frame is not valid UTF-8 with 1007, as docs/protocol.md says', async () => {
    const c = await connect(t);
    c.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    expect(await within(c.closed, 5_000, 'close')).toMatchObject({ code: 1007 });
  });

  it('never echoes the submitted value in an error, and never logs it', async () => {
    const secret = `Tr0ub4dor&3-${randomBytes(8).toString('hex')}`;
    const c = await connect(t);
    const frames: unknown[] = [
      { type: 'room.join', rid: 1, meetingId: 'abc-defg-hjk', admissionKey: secret, displayName: 'X' },
      { type: 'account.login', rid: 2, username: secret, password: 'whatever-it-is' },
      { type: 'account.login', rid: 3, username: 'alice', password: { nested: secret } },
      { type: 'account.login', rid: 4, username: 'alice', password: secret.repeat(20) },
      { type: 'ping', rid: 5, password: secret },
      { type: secret, rid: 6 },
      { type: 'account.resume', rid: 7, token: secret },
      { type: 'room.resume', rid: 8, resumeToken: [secret] },
    ];
    for (const f of frames) c.send(f);
    for (let rid = 1; rid <= frames.length; rid++) {
      const reply = (await c.next((m) => 'rid' in m && m.rid === rid, 5_000, `reply ${rid}`)) as ErrorMessage;
      expect(reply, `frame ${rid}`).toMatchObject({ type: 'error', code: 'bad_message' });
      expect(JSON.stringify(reply), `frame ${rid}`).not.toContain(secret.slice(0, 12));
    }
    // It names the field all the same.
    expect(c.received.map((m) => (m as ErrorMessage).message)).toEqual([
      expect.stringContaining('admissionKey'),
      expect.stringContaining('username'),
      expect.stringContaining('password'),
      expect.stringContaining('password'),
      expect.stringContaining('password'),
      expect.stringContaining('type'),
      expect.stringContaining('token'),
      expect.stringContaining('resumeToken'),
    ]);
    expect(t.logs.join('\n')).not.toContain(secret.slice(0, 12));
    c.close();
  });

  it('closes a socket with 1008 on its 20th malformed frame, not before', async () => {
    const c = await connect(t);
    for (let i = 0; i < 19; i++) c.send(i % 2 ? '{oops' : { type: 'ping', extra: i });
    // Valid messages in between are served and do not count.
    await pingPong(c);
    expect(c.received.filter((m) => m.type === 'error')).toHaveLength(19);
    c.send('not json at all');
    expect(await within(c.closed, 5_000, 'close')).toEqual({ code: CLOSE.policyViolation, reason: 'too many malformed messages' });
    expect(c.received.filter((m) => m.type === 'error')).toHaveLength(20);
  });
});

describe('rate limit', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ messagesPerSecond: 20, messageBurst: 20 });
  });
  afterAll(() => t?.stop());

  it('answers a flood with rate_limited and retryAfterMs, drops what is over the limit, then closes with 4008', async () => {
    const polite = await connect(t, { localAddress: '127.0.0.2' });
    const flooder = await connect(t);
    for (let i = 0; i < 40; i++) flooder.send({ type: 'ping', rid: i });
    const notice = (await flooder.next((m) => m.type === 'error', 5_000, 'rate_limited')) as ErrorMessage;
    expect(notice).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(notice).not.toHaveProperty('rid');
    expect(notice.retryAfterMs).toBeGreaterThan(0);
    expect(notice.retryAfterMs).toBeLessThanOrEqual(1000 / 20 + 1);
    await sleep(200);
    const pongs = flooder.received.filter((m) => m.type === 'pong').length;
    expect(pongs).toBeGreaterThanOrEqual(20); // the burst
    expect(pongs).toBeLessThan(30); // but not the flood
    // One notice a second, not one per dropped frame.
    expect(flooder.received.filter((m) => m.type === 'error')).toHaveLength(1);

    // The well-behaved client on its own connection is not held up.
    await pingPong(polite, 'pong for the polite client during the flood');

    // Keeps flooding: cut off.
    for (let i = 0; i < 300 && flooder.ws.readyState === flooder.ws.OPEN; i++) flooder.send({ type: 'ping' });
    expect(await within(flooder.closed, 5_000, 'close')).toEqual({ code: CLOSE.rateLimited, reason: 'kept sending too fast' });
    await pingPong(polite, 'pong for the polite client after the flooder is gone');
    polite.close();
  });

  it('serves a flooder again once it slows down to the advertised retryAfterMs', async () => {
    const c = await connect(t);
    for (let i = 0; i < 30; i++) c.send({ type: 'ping' });
    const notice = (await c.next((m) => m.type === 'error', 5_000, 'rate_limited')) as ErrorMessage;
    expect(notice.code).toBe('rate_limited');
    await sleep(notice.retryAfterMs! + 100);
    await pingPong(c, 'pong after waiting');
    c.close();
  });
});

describe('handshake and connection caps', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ maxConnectionsPerAddress: 3 });
  });
  afterAll(() => t?.stop());

  it('closes a connection that offers no subprotocol with 1002, naming merimeet.v1', async () => {
    const c = await connect(t, { protocol: null, localAddress: '127.0.0.10' });
    expect(await within(c.closed, 5_000, 'close')).toEqual({ code: CLOSE.protocolError, reason: `speak subprotocol ${SUBPROTOCOL}` });
    const raw = await rawHandshake(t, []);
    expect(raw).toEqual({ status: 101, selected: undefined, close: { code: 1002, reason: `speak subprotocol ${SUBPROTOCOL}` } });
  });

  it('closes a connection that offers only other subprotocols with 1002, naming merimeet.v1', async () => {
    for (const offered of [['merimeet.v2'], ['chat', 'superchat'], ['MERIMEET.V1']]) {
      const raw = await rawHandshake(t, offered);
      expect(raw, offered.join(',')).toEqual({
        status: 101,
        selected: undefined,
        close: { code: 1002, reason: `speak subprotocol ${SUBPROTOCOL}` },
      });
    }
  });

  it('selects merimeet.v1 when it is offered among others', async () => {
    const { hostname, port } = new URL(t.url);
    const selected = await within(
      new Promise<string | undefined>((resolve, reject) => {
        const req = request({
          hostname,
          port,
          path: '/ws',
          ca: t.ca,
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
            'Sec-WebSocket-Protocol': `merimeet.v2, ${SUBPROTOCOL}`,
          },
        });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(res.headers['sec-websocket-protocol'] as string | undefined);
        });
        req.on('response', (res) => reject(new Error(`status ${res.statusCode}`)));
        req.on('error', reject);
        req.end();
      }),
      5_000,
      'upgrade',
    );
    expect(selected).toBe(SUBPROTOCOL);
  });

  it('closes connections past maxConnectionsPerAddress with 4029; another address is unaffected', async () => {
    const address = '127.0.0.5';
    const first = await Promise.all([1, 2, 3].map(() => connect(t, { localAddress: address })));
    for (const c of first) await pingPong(c);
    const extra = await connect(t, { localAddress: address });
    expect(await within(extra.closed, 5_000, 'close')).toEqual({
      code: CLOSE.tooManyConnections,
      reason: 'too many connections from your address',
    });
    const elsewhere = await Promise.all([1, 2, 3].map(() => connect(t, { localAddress: '127.0.0.6' })));
    for (const c of elsewhere) await pingPong(c, 'pong for another address');
    // The three from the capped address are still served.
    for (const c of first) await pingPong(c);
    for (const c of [...first, ...elsewhere]) c.close();
  });

  it('frees a place under the per-address cap when a connection closes', async () => {
    const address = '127.0.0.7';
    const first = await Promise.all([1, 2, 3].map(() => connect(t, { localAddress: address })));
    first[0]!.close();
    await first[0]!.closed;
    // The server learns of the close a moment later; then a new socket gets in and stays.
    await waitUntil(
      async () => {
        const c = await connect(t, { localAddress: address });
        const outcome = await Promise.race([
          c.request({ type: 'ping' }, 5_000).then(() => 'served'),
          c.closed.then((x) => x.code),
        ]);
        if (outcome === 'served') {
          first[0] = c;
          return true;
        }
        expect(outcome).toBe(CLOSE.tooManyConnections);
        return false;
      },
      5_000,
      'a place frees up',
    );
    for (const c of first) await pingPong(c);
    for (const c of first) c.close();
  });
});

describe('heartbeat', () => {
  const heartbeatMs = 200;
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ heartbeatMs });
  });
  afterAll(() => t?.stop());

  it('drops a client that never answers pings within about two heartbeats; one that answers stays', async () => {
    const before = await metric(t, 'merimeet_closes_total', { code: String(CLOSE.heartbeat) });
    const answers = await connect(t);
    const silent = await connect(t, { autoPong: false, localAddress: '127.0.0.2' });
    const started = Date.now();
    let pings = 0;
    silent.ws.on('ping', () => pings++);
    const closed = await within(silent.closed, 10 * heartbeatMs, 'the silent client to be dropped');
    const elapsed = Date.now() - started;
    // Terminated, not closed politely: the client sees an abnormal closure.
    expect(closed.code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(elapsed).toBeLessThan(3 * heartbeatMs + 600);
    expect(await metric(t, 'merimeet_closes_total', { code: String(CLOSE.heartbeat) })).toBe(before + 1);

    // The one that answers is still here several heartbeats later.
    await sleep(5 * heartbeatMs);
    expect(answers.ws.readyState).toBe(answers.ws.OPEN);
    await pingPong(answers);
    answers.close();
  });
});

describe('slow consumers', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Each sender may send 400 frames/s; a member that stops reading is cut off past 64 KiB unsent.
    t = await startTestServer({ maxBufferedBytes: 64 * 1024, messagesPerSecond: 400, messageBurst: 400 });
  });
  afterAll(() => t?.stop());

  it('cuts off a member who stops reading rather than buffering for it without bound', async () => {
    const m = await hostMeeting(t);
    const victim = await join(t, m, 'Stalled');
    const senders = await Promise.all(['S1', 'S2', 'S3'].map((name) => join(t, m, name)));
    const cutBefore = await metric(t, 'merimeet_closes_total', { code: String(CLOSE.slowConsumer) });
    // Stop reading: the kernel buffers fill, then the server's own send buffer grows.
    (victim.client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    const blob = 'x'.repeat(60_000);
    let stop = false;
    let bytesSent = 0;
    const flood = async (s: TestClient) => {
      while (!stop) {
        // 300 frames/s per sender, under its limit of 400/s; a sender that itself cannot write waits.
        if (s.ws.bufferedAmount < 1024 * 1024) {
          for (let k = 0; k < 6; k++) {
            s.send({ type: 'signal', to: victim.joined.peerId, data: { blob, k } });
            bytesSent += blob.length;
          }
        }
        await sleep(20);
      }
    };
    const liveBefore = memoryAfterGc().live;
    const rssBefore = process.memoryUsage().rss;
    const floods = senders.map((s) => flood(s.client));
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    try {
      await waitUntil(
        async () => (await metric(t, 'merimeet_closes_total', { code: String(CLOSE.slowConsumer) })) > cutBefore,
        30_000,
        'the stalled member is cut off',
      );
      const cutAfterBytes = bytesSent;
      // Keep flooding the (now away) member, far past what the process could hold for it.
      await waitUntil(() => bytesSent > 320 * 2 ** 20, 60_000, '320 MiB have been sent');
      // The senders were served all along.
      for (const s of senders) await pingPong(s.client, 'pong for a sender during the flood');
      stop = true;
      await Promise.all(floods);
      clearInterval(sampler);
      const grewBy = peakRss - rssBefore;
      const liveGrowth = memoryAfterGc().live - liveBefore;
      console.log(
        `slow consumer: cut off after ${mib(cutAfterBytes)}, ${mib(bytesSent)} sent in all; ` +
          `RSS peaked ${mib(grewBy)} above the start; live memory after GC grew by ${mib(liveGrowth)}`,
      );
      // Cut off once the socket's buffers were full, not after megabytes queued in the server…
      expect(cutAfterBytes).toBeLessThan(32 * 2 ** 20);
      // …and of the 320 MiB addressed to it, the process keeps only what is bounded (the away
      // member's outbox, 256 messages) and its RSS never came near the volume sent.
      expect(liveGrowth).toBeLessThan(48 * 2 ** 20);
      expect(grewBy).toBeLessThan(256 * 2 ** 20);
    } finally {
      stop = true;
      clearInterval(sampler);
    }
    expect(t.logs.some((l) => l.includes('"slow_consumer"'))).toBe(true);
    // When it reads again it finds its socket gone without a close frame.
    (victim.client.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await within(victim.client.closed, 10_000, 'the stalled member sees its socket end')).toMatchObject({ code: 1006 });
    for (const s of senders) s.client.close();
    m.owner.close();
  });
});

describe('health, metrics and logs', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.stop());

  it('answers /healthz over https with 200 and JSON status ok', async () => {
    const c = await connect(t);
    const res = await httpsGet(t, '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const health = JSON.parse(res.body) as { status: string; connections: number; uptimeSeconds: number };
    expect(health).toMatchObject({ status: 'ok' });
    expect(health.connections).toBeGreaterThanOrEqual(1);
    expect(health.uptimeSeconds).toBeGreaterThanOrEqual(0);
    c.close();
    await c.closed;
  });

  it('serves Prometheus text on /metrics whose open-connection gauge follows the sockets', async () => {
    const gauge = () => metric(t, 'merimeet_connections_open');
    const first = await httpsGet(t, '/metrics');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(first.body).toContain('# TYPE merimeet_connections_open gauge');
    expect(first.body).toContain('# TYPE merimeet_connections_total counter');
    expect(first.body).toContain('# TYPE merimeet_closes_total counter');
    // Nothing else of this server's is connected now.
    const base = 0;
    await waitUntil(async () => (await gauge()) === base, 5_000, 'no connections are open');
    const totalBase = await metric(t, 'merimeet_connections_total');
    const clients = await Promise.all([1, 2, 3].map(() => connect(t)));
    await waitUntil(async () => (await gauge()) === base + 3, 5_000, 'the gauge counts three more');
    expect(await metric(t, 'merimeet_connections_total')).toBe(totalBase + 3);
    await pingPong(clients[0]!);
    expect(await metric(t, 'merimeet_messages_in_total', { type: 'ping' })).toBeGreaterThanOrEqual(1);
    for (const c of clients) c.close();
    await waitUntil(async () => (await gauge()) === base, 5_000, 'the gauge is back where it was');
    const health = JSON.parse((await httpsGet(t, '/healthz')).body) as { connections: number };
    expect(health.connections).toBe(base);
  });

  it('never logs a password, session token, admission key, verifier, resume token or signal payload', async () => {
    const secrets: Record<string, string> = {};
    const username = uniqueUsername('logs');
    secrets.password = `Pa55-${randomBytes(9).toString('hex')}`;
    secrets.newPassword = `N3w-${randomBytes(9).toString('hex')}`;
    secrets.wrongPassword = `Wr0ng-${randomBytes(9).toString('hex')}`;
    secrets.payload = `sdp-${randomBytes(9).toString('hex')}`;
    secrets.candidate = `cand-${randomBytes(9).toString('hex')}`;

    const owner = await connect(t);
    const registered = await owner.expect('account.session', { type: 'account.register', username, password: secrets.password });
    secrets.registerToken = registered.token!;
    const other = await connect(t);
    const loggedIn = await other.expect('account.session', { type: 'account.login', username, password: secrets.password });
    secrets.loginToken = loggedIn.token!;
    const wrong = await other.request({ type: 'account.login', username, password: secrets.wrongPassword });
    expect(wrong).toMatchObject({ code: 'bad_credentials' });
    const resumer = await connect(t);
    await resumer.expect('account.session', { type: 'account.resume', token: secrets.registerToken });

    const { meetingId } = await owner.expect('meeting.reserved', { type: 'meeting.reserve' });
    const key = newMeetingKey();
    secrets.admissionKey = key.admissionKey;
    secrets.verifier = key.verifier;
    await owner.expect('meeting.created', { type: 'meeting.create', meetingId, verifier: key.verifier, title: 'Logs' });
    const badKey = newMeetingKey().admissionKey;
    secrets.wrongAdmissionKey = badKey;
    const guesser = await connect(t, { localAddress: '127.0.0.9' });
    expect(await guesser.request({ type: 'room.join', meetingId, admissionKey: badKey, displayName: 'G' })).toMatchObject({
      code: 'wrong_key',
    });

    const a = await join(t, { meetingId, admissionKey: key.admissionKey }, 'A');
    const b = await join(t, { meetingId, admissionKey: key.admissionKey }, 'B');
    secrets.resumeToken = a.joined.resumeToken;
    a.client.send({ type: 'signal', to: b.joined.peerId, data: { sdp: secrets.payload, candidate: secrets.candidate } });
    expect((await b.client.nextOf('signal', 5_000)).data).toEqual({ sdp: secrets.payload, candidate: secrets.candidate });
    // A signal to nobody fails, and its payload is not logged either.
    a.client.send({ type: 'signal', to: '0000000000000000', data: { sdp: secrets.payload } });
    expect(await a.client.nextOf('error', 5_000)).toMatchObject({ code: 'peer_not_found' });

    // Drop A and come back with the resume token.
    a.client.close();
    await a.client.closed;
    const back = await connect(t);
    await back.expect('room.joined', { type: 'room.resume', resumeToken: secrets.resumeToken });

    await owner.expect('account.session', {
      type: 'account.changePassword',
      currentPassword: secrets.password,
      newPassword: secrets.newPassword,
    });

    await sleep(100);
    const text = t.logs.join('\n');
    // The scenario did get logged: this is not passing because nothing was.
    for (const event of ['account_registered', 'meeting_created', 'admission_failed', 'login_failed', 'peer_joined']) {
      expect(text, event).toContain(`"${event}"`);
    }
    for (const [what, value] of Object.entries(secrets)) {
      expect(text.includes(value), `${what} appears in the server log`).toBe(false);
    }
    // Nor any part of the resume token (its claims or its signature).
    for (const part of secrets.resumeToken!.split('.')) expect(text).not.toContain(part);
    for (const c of [owner, other, resumer, guesser, b.client, back]) c.close();
  });
});

/**
 * Signal data is opaque to the server but must survive a round trip through
 * JSON. 10,000 nested arrays are 20 KB, well inside a frame: JSON.parse takes
 * them, JSON.stringify overflows the stack when the server relays them.
 */
const DEPTH = 10_000;
const deepSignal = (to: string, rid?: number) =>
  `{"type":"signal",${rid === undefined ? '' : `"rid":${rid},`}"to":"${to}","data":{"deep":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}}`;

describe('deeply nested signal data', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.stop());

  it('relays a signal whose data nests 10,000 deep, or refuses it as bad_message — never internal', async () => {
    const m = await hostMeeting(t);
    const a = await join(t, m, 'A');
    const b = await join(t, m, 'B');
    const frame = deepSignal(b.joined.peerId, 7);
    expect(Buffer.byteLength(frame)).toBeLessThan(MAX_FRAME_BYTES);
    a.client.send(frame);
    const reply = await a.client.next((x) => 'rid' in x && x.rid === 7, 5_000, 'reply to the deep signal');
    // Either is a protocol answer; `internal` is the protocol's word for a server bug.
    expect(reply.type === 'ok' || (reply.type === 'error' && reply.code === 'bad_message'), JSON.stringify(reply)).toBe(true);
    // Whatever the answer, both are still served.
    await pingPong(a.client);
    await pingPong(b.client);
    for (const c of [a.client, b.client, m.owner]) c.close();
  });

  it('keeps running when a member resumes to find a deeply nested signal queued for it', async () => {
    // A separate process: if this crashes the server, it must not take the test runner with it.
    const dataDir = tempDataDir();
    const server = await startServerProcess(dataDir);
    try {
      const owner = await TestClient.connect(server.url, server.ca);
      await owner.expect('account.session', { type: 'account.register', username: uniqueUsername('deep'), password: 'correct horse battery' });
      const { meetingId } = await owner.expect('meeting.reserved', { type: 'meeting.reserve' });
      const key = newMeetingKey();
      await owner.expect('meeting.created', { type: 'meeting.create', meetingId, verifier: key.verifier });
      const joinOn = async (name: string) => {
        const c = await TestClient.connect(server.url, server.ca);
        const joined = await c.expect('room.joined', { type: 'room.join', meetingId, admissionKey: key.admissionKey, displayName: name });
        return { c, joined };
      };
      const a = await joinOn('A');
      const b = await joinOn('B');
      // B drops; its place (and an outbox) is kept for the grace period.
      b.c.close();
      await b.c.closed;
      await sleep(200);
      a.c.send(deepSignal(b.joined.peerId, 8));
      const queued = await a.c.next((x) => 'rid' in x && x.rid === 8, 5_000, 'reply to the deep signal');
      expect(queued.type === 'ok' || (queued.type === 'error' && queued.code === 'bad_message'), JSON.stringify(queued)).toBe(true);

      const back = await TestClient.connect(server.url, server.ca);
      back.send({ type: 'room.resume', rid: 9, resumeToken: b.joined.resumeToken });
      const outcome = await Promise.race([
        server.exited.then((e) => `the server process exited (${JSON.stringify(e)})`),
        back.next((x) => 'rid' in x && x.rid === 9, 5_000).then(() => 'answered'),
        back.closed.then((c) => `the socket closed (${c.code})`),
      ]);
      await sleep(300);
      expect(server.child.exitCode, `server output:\n${server.output().slice(-2000)}`).toBeNull();
      expect(outcome).toBe('answered');
      await pingPong(a.c, 'the other member is still served');
      await pingPong(back, 'the resumed member is served');
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
