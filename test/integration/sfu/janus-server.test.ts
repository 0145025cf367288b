/**
 * The test Janus itself: what every SFU test stands on. It must be the real
 * Debian build, hardened (only VideoRoom and the WebSockets transport, no
 * admin API, a secret on every request), reachable from here, and it must
 * leave no process or namespace behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startJanus, type JanusServer } from '../support/janus-server.js';
import { namespaceExists } from '../support/veth-network.js';

function ask(url: string, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'janus-protocol');
    ws.once('open', () => ws.send(JSON.stringify({ transaction: 't', ...request })));
    ws.once('message', (data) => {
      ws.close();
      resolve(JSON.parse(String(data)) as Record<string, unknown>);
    });
    ws.once('error', reject);
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the test Janus', () => {
  let janus: JanusServer;
  beforeAll(async () => {
    const started = Date.now();
    janus = await startJanus();
    // Measured 1.6–2.2 s (three runs, network + config + spawn) to a Janus that answers.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
  afterAll(async () => {
    await janus?.stop();
  });

  it('loads only the VideoRoom plugin and the WebSockets transport, and binds ICE to the veth address', async () => {
    const info = (await ask(janus.url, { janus: 'info' })) as {
      plugins: Record<string, unknown>;
      transports: Record<string, unknown>;
      api_secret: boolean;
      'local-ip': string;
    };
    expect(Object.keys(info.plugins)).toEqual(['janus.plugin.videoroom']);
    expect(Object.keys(info.transports)).toEqual(['janus.transport.websockets']);
    expect(info.api_secret).toBe(true);
    expect(info['local-ip']).toBe(janus.network.sfuAddress);
    expect(janus.output()).not.toMatch(/Admin.*server started/i);
  });

  it('refuses a request without the API secret, and accepts one with it', async () => {
    const refused = (await ask(janus.url, { janus: 'create' })) as { janus: string; error?: { code: number } };
    expect(refused.janus).toBe('error');
    expect(refused.error?.code).toBe(403);
    const accepted = (await ask(janus.url, { janus: 'create', apisecret: janus.apiSecret })) as { janus: string };
    expect(accepted.janus).toBe('success');
  });

  it('can be killed and started again, and stop() leaves no process or namespace behind', async () => {
    const first = janus.pid();
    await janus.kill();
    expect(processAlive(first)).toBe(false);
    await janus.start();
    expect(janus.pid()).not.toBe(first);
    expect(((await ask(janus.url, { janus: 'info' })) as { janus: string }).janus).toBe('server_info');
    const second = janus.pid();
    await janus.stop();
    expect(processAlive(second)).toBe(false);
    expect(namespaceExists(janus.network.sfuNamespace)).toBe(false);
    expect(namespaceExists(janus.network.clientNamespace!)).toBe(false);
  });
});
