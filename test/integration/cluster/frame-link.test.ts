/**
 * The frame link: whatever a client's frame holds comes out the other end
 * unchanged and in order, and a malformed envelope is dropped, never handed
 * on. Two real cluster buses on a real nats-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterBus } from '../../../signaling/src/cluster/cluster-bus.js';
import { FrameLink, type Envelope } from '../../../signaling/src/cluster/frame-link.js';
import { createLogger } from '../../../signaling/src/observability/logger.js';
import { startNats, type NatsServer } from '../support/nats-server.js';

let nats: NatsServer;
let edgeBus: ClusterBus;
let homeBus: ClusterBus;
const lines: string[] = [];
const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });

beforeAll(async () => {
  nats = await startNats();
  edgeBus = await ClusterBus.connect({ url: nats.url, logger });
  homeBus = await ClusterBus.connect({ url: nats.url, logger });
});
afterAll(async () => {
  await edgeBus?.close();
  await homeBus?.close();
  await nats?.stop();
});

describe('the frame link between an edge and a home', () => {
  it('carries frames with newlines, quotes, backslashes and any Unicode unchanged, and envelopes without a frame, in order', async () => {
    const edge = new FrameLink(edgeBus);
    const home = new FrameLink(homeBus);
    const got: Envelope[] = [];
    home.onFromEdges((envelope) => got.push(envelope));
    await homeBus.flush();
    const texts = ['{"type":"ping"}', 'line one\nline two\n\n', '"\\"quoted\\"" \\ \u0000 \u2028', 'héllo 🎥 日本語', ''];
    edge.toHome(home.self, { conn: 7, kind: 'open', address: '192.0.2.1' });
    for (const text of texts) edge.toHome(home.self, { conn: 7, kind: 'frame', text });
    edge.toHome(home.self, { conn: 7, kind: 'close' });
    await edgeBus.flush();
    await homeBus.flush();
    expect(got).toEqual([
      { from: edge.self, conn: 7, kind: 'open', address: '192.0.2.1' },
      ...texts.map((text) => ({ from: edge.self, conn: 7, kind: 'frame', text })),
      { from: edge.self, conn: 7, kind: 'close' },
    ]);
  });

  it('drops an envelope that is not JSON, not an envelope, or whose frame is too long, with a log line each', async () => {
    const home = new FrameLink(homeBus);
    const got: Envelope[] = [];
    home.onFromHomes((envelope) => got.push(envelope));
    await homeBus.flush();
    const topic = `edge.${home.self}`;
    const bytes = (s: string) => new TextEncoder().encode(s);
    edgeBus.publishRaw(topic, bytes('not json {"type":"ping"}'));
    edgeBus.publishRaw(topic, bytes(JSON.stringify({ from: edgeBus.instanceId, conn: 0, kind: 'frame', text: 'x' })));
    edgeBus.publishRaw(topic, bytes(JSON.stringify({ from: edgeBus.instanceId, conn: 1, kind: 'frame', text: 'x', extra: 1 })));
    edgeBus.publishRaw(topic, bytes(JSON.stringify({ from: edgeBus.instanceId, conn: 1, kind: 'frame', text: 'x'.repeat(64 * 1024 + 1) })));
    await edgeBus.flush();
    await homeBus.flush();
    expect(got).toEqual([]);
    expect(lines.filter((l) => l.includes('"cluster_event_failed"'))).toHaveLength(4);
  });
});
