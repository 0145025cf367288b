/**
 * Only the instances may speak on the cluster link. Whoever can publish on it
 * can pass frames to a meeting's home under any client address, or reset a
 * guesser's throttle; so NATS must ask for credentials that only the
 * instances hold, and an instance refuses to start against one that does not.
 * Real nats-server processes, on loopback.
 */
import { connect as natsConnect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterBus } from '../../../signaling/src/cluster/cluster-bus.js';
import { createLogger } from '../../../signaling/src/observability/logger.js';
import { startNats, type NatsServer } from '../support/nats-server.js';

const logger = createLogger({ level: 'silent' });
let guarded: NatsServer;
let open: NatsServer;

beforeAll(async () => {
  guarded = await startNats();
  open = await startNats({ open: true });
});
afterAll(async () => {
  await guarded?.stop();
  await open?.stop();
});

/** A NATS round trip on loopback is ~1 ms; this covers a loaded machine. */
const DELIVERY_BUDGET_MS = 5_000;

describe('the cluster link admits only the instances', () => {
  it('an instance refuses to start against a NATS that lets anyone connect, and says why without the URL\'s secrets', async () => {
    const withSecret = open.url.replace('nats://', 'nats://merimeet:not-asked-for@');
    const refusal = ClusterBus.connect({ url: withSecret, logger });
    await expect(refusal).rejects.toThrow(/lets anyone connect: give it a user and password/);
    await expect(refusal).rejects.not.toThrow(/not-asked-for/);
  });

  it('a stranger without the credentials, or with wrong ones, is refused by NATS: it can neither publish nor listen', async () => {
    await expect(natsConnect({ servers: guarded.anonymousUrl, maxReconnectAttempts: 0 })).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
    await expect(natsConnect({ servers: guarded.anonymousUrl, user: 'merimeet', pass: 'guess', maxReconnectAttempts: 0 })).rejects.toMatchObject({
      code: 'AUTHORIZATION_VIOLATION',
    });
  });

  it('instances with the credentials in the URL (nats://user:password@host) connect and hear each other', async () => {
    const a = await ClusterBus.connect({ url: guarded.url, logger });
    const b = await ClusterBus.connect({ url: guarded.url, logger });
    try {
      const heard = new Promise<string>((resolve) => b.subscribe('test', (event) => resolve(event.from)));
      // b's subscription must reach the server before a's publish does (they are two connections).
      await b.flush();
      a.publish('test', { kind: 'probe', op: 'hello', args: [] });
      const from = await Promise.race([heard, new Promise<never>((_, no) => setTimeout(() => no(new Error('not delivered')), DELIVERY_BUDGET_MS))]);
      expect(from).toBe(a.instanceId);
      expect(a.healthy && b.healthy).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
