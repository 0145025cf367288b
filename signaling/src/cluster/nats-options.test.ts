import { describe, expect, it } from 'vitest';
import { natsConnectOptions } from './nats-options.js';

describe('--nats to NATS client options', () => {
  it('takes the credentials out of the URLs, where the client would ignore them', () => {
    expect(natsConnectOptions('nats://merimeet:p%40ss@10.0.0.1:4222, nats://merimeet:p%40ss@10.0.0.2:4222')).toEqual({
      servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222'],
      user: 'merimeet',
      pass: 'p@ss',
    });
  });

  it('a user with no password is a token; no credentials, none given', () => {
    expect(natsConnectOptions('nats://s3cr3t-token@nats:4222')).toEqual({ servers: ['nats://nats:4222'], token: 's3cr3t-token' });
    expect(natsConnectOptions('nats://127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'] });
  });

  it('tls:// makes TLS required', () => {
    expect(natsConnectOptions('tls://u:p@nats.internal:4222')).toEqual({ servers: ['tls://nats.internal:4222'], user: 'u', pass: 'p', tls: {} });
  });

  it('refuses servers with different credentials, without repeating them', () => {
    expect(() => natsConnectOptions('nats://a:pw-first@h1:4222,nats://a:pw-second@h2:4222')).toThrow(/same user and password/);
    expect(() => natsConnectOptions('nats://a:pw-first@h1:4222,nats://a:pw-second@h2:4222')).not.toThrow(/pw-/);
  });
});
