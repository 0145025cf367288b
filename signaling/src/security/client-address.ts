import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key that connection caps and throttles count against. Behind a reverse
 * proxy the socket is the proxy's, so the proxy's own X-Forwarded-For entry
 * (the last one; earlier ones are whatever the client claimed) is used. That
 * header is only trusted in --behind-proxy mode, which binds to loopback.
 */
export function clientAddress(req: IncomingMessage, behindProxy: boolean): string {
  if (behindProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header[header.length - 1] : header;
    const last = value?.split(',').pop()?.trim();
    if (last) return addressKey(last);
  }
  return addressKey(req.socket.remoteAddress ?? 'unknown');
}

/**
 * One key per party that can choose its address: an IPv4 address, or an IPv6
 * /64 — anyone with a /64 (the usual smallest allocation) can pick from 2^64
 * addresses, so counting them one by one would make every limit moot.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right].map((h) => h.toLowerCase().replace(/^0+(?=.)/, ''));
}
