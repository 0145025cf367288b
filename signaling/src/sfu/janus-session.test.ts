/**
 * What the Janus client does with frames the Janus API does not define. A
 * real Janus never sends them, so a scripted WebSocket peer plays Janus here;
 * everything Janus really does is tested against Debian's janus in
 * test/integration/sfu/.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { JanusSession } from './janus-session.js';
import type { SfuError } from './sfu-error.js';

let server: WebSocketServer | undefined;
afterEach(() => server?.close());

/** A peer that answers `create` properly, then runs `script` on every later request. */
async function scriptedJanus(script: (ws: WebSocket, request: { janus: string; transaction: string }) => void): Promise<string> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'janus-protocol' });
  server.on('connection', (ws) =>
    ws.on('message', (data) => {
      const request = JSON.parse(String(data)) as { janus: string; transaction: string };
      if (request.janus === 'create') ws.send(JSON.stringify({ janus: 'success', transaction: request.transaction, data: { id: 42 } }));
      else script(ws, request);
    }),
  );
  await new Promise((resolve) => server!.once('listening', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function open(url: string, malformed: SfuError[]): Promise<JanusSession> {
  return JanusSession.open({ url, apiSecret: 'the-secret', keepaliveMs: 60_000, requestTimeoutMs: 1_000, onMalformed: (e) => malformed.push(e) });
}

describe('JanusSession', () => {
  it('fails a request whose reply does not validate with janus_malformed, naming the field but not its value', async () => {
    const url = await scriptedJanus((ws, { transaction }) => ws.send(JSON.stringify({ janus: 'success', transaction, data: { id: 'the-secret-ish' } })));
    const malformed: SfuError[] = [];
    const session = await open(url, malformed);
    await expect(session.attach()).rejects.toMatchObject({ code: 'janus_malformed' });
    expect(malformed[0]?.toLog()).toMatchObject({ code: 'janus_malformed', issue: 'field data.id' });
    expect(JSON.stringify(malformed.map((e) => e.toLog()))).not.toContain('the-secret');
  });

  it('reports a frame that is not JSON, and a Janus error as janus_error with its code', async () => {
    const url = await scriptedJanus((ws, { transaction }) => {
      ws.send('not json');
      ws.send(JSON.stringify({ janus: 'error', transaction, error: { code: 403, reason: 'Unauthorized request' } }));
    });
    const malformed: SfuError[] = [];
    const session = await open(url, malformed);
    await expect(session.attach()).rejects.toMatchObject({ code: 'janus_error', data: { janusCode: 403 } });
    expect(malformed.map((e) => e.code)).toEqual(['janus_malformed']);
  });

  it('times a silent request out, and marks the session lost when the socket closes', async () => {
    let peer: WebSocket | undefined;
    const url = await scriptedJanus((ws) => (peer = ws));
    const session = await open(url, []);
    await expect(session.attach()).rejects.toMatchObject({ code: 'janus_timeout' });
    const lost = new Promise<SfuError>((resolve) => session.onLost(resolve));
    peer!.terminate();
    expect((await lost).code).toBe('janus_closed');
    await expect(session.attach()).rejects.toMatchObject({ code: 'janus_closed' });
  });

  it('sends the API secret in every request', async () => {
    const seen: string[] = [];
    const url = await scriptedJanus((ws, request) => {
      seen.push((request as { apisecret?: string }).apisecret ?? '');
      ws.send(JSON.stringify({ janus: 'success', transaction: request.transaction, data: { id: 7 } }));
    });
    const session = await open(url, []);
    const handle = await session.attach();
    expect(handle.id).toBe(7);
    expect(seen).toEqual(['the-secret']);
  });
});
