import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from './client-address.js';

const request = (remoteAddress: string, xff?: string) =>
  ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('addressKey', () => {
  it('keeps IPv4 addresses as they are, and unwraps IPv4-mapped IPv6', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts all addresses of one IPv6 /64 as one party', () => {
    const a = addressKey('2001:db8:1:2:aaaa::1');
    const b = addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(b).toBe(a);
    expect(addressKey('2001:db8:1:3::1')).not.toBe(a);
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless behind a proxy', () => {
    expect(clientAddress(request('198.51.100.1', '203.0.113.9'), false)).toBe('198.51.100.1');
  });

  it("behind a proxy, trusts only the proxy's own (last) X-Forwarded-For entry", () => {
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 203.0.113.9'), true)).toBe('203.0.113.9');
    expect(clientAddress(request('127.0.0.1'), true)).toBe('127.0.0.1');
  });
});
