import { describe, expect, it } from 'vitest';
import vectors from './rfc9605-header-vectors.json' with { type: 'json' };
import { clearByteCount } from './codec-clear-bytes.js';
import { deriveSframeKey, sframeDecrypt, sframeEncrypt, sframeNonce } from './sframe-cipher.js';
import { decodeSframeHeader, encodeSframeHeader } from './sframe-header.js';

const hex = (s: string) => new Uint8Array(s.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('SFrame header (RFC 9605 Appendix C.1)', () => {
  it(`encodes and decodes all ${vectors.vectors.length} vectors`, () => {
    for (const [kid, ctr, header] of vectors.vectors as [string, string, string][]) {
      const h = { kid: BigInt('0x' + kid), ctr: BigInt('0x' + ctr) };
      expect(toHex(encodeSframeHeader(h))).toBe(header);
      expect(decodeSframeHeader(hex(header))).toEqual({ header: h, length: header.length / 2 });
    }
  });

  it('refuses a header cut short, and values past 64 bits', () => {
    expect(decodeSframeHeader(hex('8aff01'))).toBeNull();
    expect(decodeSframeHeader(new Uint8Array(0))).toBeNull();
    expect(() => encodeSframeHeader({ kid: 1n << 64n, ctr: 0n })).toThrow(RangeError);
  });
});

describe('SFrame encryption, AES_128_GCM_SHA256_128 (RFC 9605 Appendix C.4, suite 0x0004)', () => {
  const v = {
    kid: 0x123n,
    ctr: 0x4567n,
    baseKey: hex('000102030405060708090a0b0c0d0e0f'),
    salt: '75234edefe07819026751816',
    nonce: '75234edefe07819026755d71',
    metadata: hex('4945544620534672616d65205747'),
    pt: hex('64726166742d696574662d736672616d652d656e63'),
    ct: '9901234567b7412c2513a1b66dbb48841bbaf17f598751176ad847681a69c6d0b091c07018ce4adb34eb',
  };

  it('derives the salt and nonce, and produces the ciphertext of the vector', async () => {
    const key = await deriveSframeKey(v.baseKey, v.kid);
    expect(toHex(key.salt)).toBe(v.salt);
    expect(toHex(sframeNonce(key.salt, v.ctr))).toBe(v.nonce);
    const out = await sframeEncrypt(key, { kid: v.kid, ctr: v.ctr }, v.metadata, v.pt);
    // On our wire the metadata (clear codec bytes) comes first; the RFC's ciphertext follows it.
    expect(toHex(out.subarray(0, v.metadata.length))).toBe(toHex(v.metadata));
    expect(toHex(out.subarray(v.metadata.length))).toBe(v.ct);
    expect(await sframeDecrypt(key, out, v.metadata.length)).toEqual(v.pt);
  });

  it('drops a frame whose clear bytes, header or ciphertext changed, or that another key sealed', async () => {
    const key = await deriveSframeKey(v.baseKey, v.kid);
    const other = await deriveSframeKey(v.baseKey, v.kid + 1n);
    const out = await sframeEncrypt(key, { kid: v.kid, ctr: v.ctr }, v.metadata, v.pt);
    for (const at of [0, v.metadata.length + 2, out.length - 1]) {
      const tampered = new Uint8Array(out);
      tampered[at]! ^= 0x01;
      expect(await sframeDecrypt(key, tampered, v.metadata.length)).toBeNull();
    }
    expect(await sframeDecrypt(other, out, v.metadata.length)).toBeNull();
    expect(await sframeDecrypt(key, out.subarray(0, 20), v.metadata.length)).toBeNull();
  });
});

describe('clear codec bytes', () => {
  it('keeps 10 bytes of a VP8 keyframe, 3 of an interframe, 1 of Opus', () => {
    expect(clearByteCount('video', new Uint8Array([0x10, 2, 3, 0x9d, 0x01, 0x2a, 1, 2, 3, 4, 5, 6]))).toBe(10);
    expect(clearByteCount('video', new Uint8Array([0x11, 2, 3, 4, 5]))).toBe(3);
    expect(clearByteCount('audio', new Uint8Array([0xfc, 1, 2]))).toBe(1);
    expect(clearByteCount('video', new Uint8Array([0x10, 2]))).toBe(2);
  });
});
