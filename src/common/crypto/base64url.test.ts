import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Base64UrlError, decodeBase64Url, encodeBase64Url } from './base64url.js';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('base64url', () => {
  it('matches the RFC 4648 test vectors (unpadded)', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64Url(ascii(plain))).toBe(encoded);
      expect(decodeBase64Url(encoded)).toEqual(ascii(plain));
    }
  });

  it('uses the URL-safe alphabet', () => {
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(decodeBase64Url('-_-_')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it('agrees with Node for random inputs of every length 0..70', () => {
    for (let n = 0; n <= 70; n++) {
      const bytes = new Uint8Array(randomBytes(n));
      const expected = Buffer.from(bytes).toString('base64url');
      expect(encodeBase64Url(bytes)).toBe(expected);
      expect(decodeBase64Url(expected)).toEqual(bytes);
    }
  });

  it('rejects anything but canonical unpadded base64url', () => {
    for (const bad of ['Zg==', 'Zm9v=', 'Z', 'Zm9vY', 'Zm+v', 'Zm/v', 'Zm 9v', 'Zm9v\n', 'Zé9v', 'Zh', 'Zm9']) {
      expect(() => decodeBase64Url(bad), bad).toThrow(Base64UrlError);
    }
  });
});
