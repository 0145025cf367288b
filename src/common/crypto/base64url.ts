/**
 * Base64url (RFC 4648 §5) without padding, for keys and MACs that travel in
 * JSON and URLs. Environment-free: no Buffer, no atob/btoa.
 *
 * Decoding is strict and canonical: only the 64 URL-safe characters, no
 * padding, no whitespace, no impossible lengths, and unused trailing bits must
 * be zero — so every byte string has exactly one accepted spelling, and a
 * value compared as a string (e.g. a verifier) cannot be re-spelled.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character code → 6-bit value, or -1 for characters outside the alphabet. */
const DECODE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** Encodes bytes as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** Thrown by {@link decodeBase64Url} for anything but canonical unpadded base64url. */
export class Base64UrlError extends Error {
  override readonly name = 'Base64UrlError';
}

/** Decodes canonical unpadded base64url; throws {@link Base64UrlError} otherwise. */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 === 1) throw new Base64UrlError('invalid base64url length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? DECODE[code]! : -1;
    if (value < 0) throw new Base64UrlError('invalid base64url character');
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits (2 or 4) must be zero, or two spellings would decode alike.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new Base64UrlError('non-canonical base64url');
  return out;
}
