/**
 * SFrame encryption (RFC 9605 §4.4) with the cipher suite
 * AES_128_GCM_SHA256_128 (0x0004), all in WebCrypto.
 *
 * Why this suite: it is one of the two AES-GCM suites the RFC registers (GCM
 * runs natively in every browser's WebCrypto; the CTR+HMAC suites would need
 * two passes per frame), its KDF is HKDF-SHA256 like every other key in this
 * project, and its 16-byte tag is full strength. AES-128 is what the frame
 * rate can afford on a 2-core laptop decoding up to 49 senders, and 128-bit
 * keys are ample for keys that live one epoch. (0x0005, AES-256 with
 * SHA-512, would buy nothing here: the keys reach people through X25519,
 * which is ~128-bit strong.)
 *
 * Frame layout on the wire: clear codec bytes (the "metadata" of the RFC,
 * codec-clear-bytes.ts) ‖ SFrame header ‖ AES-GCM ciphertext and tag. The
 * AAD is the header followed by those clear bytes, so neither can be changed
 * by the SFU without the frame failing authentication.
 */
import { decodeSframeHeader, encodeSframeHeader, type SframeHeader } from './sframe-header.js';

export const CIPHER_SUITE = 0x0004;
/** AEAD.Nk, AEAD.Nn and AEAD.Nt of AES_128_GCM_SHA256_128. */
const KEY_BYTES = 16;
const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

export interface SframeKey {
  /** sframe_key, non-extractable AES-GCM. */
  key: CryptoKey;
  /** sframe_salt, 12 bytes. */
  salt: Uint8Array<ArrayBuffer>;
}

const utf8 = new TextEncoder();

function uint64(value: bigint): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function label(kind: 'key' | 'salt', kid: bigint): Uint8Array<ArrayBuffer> {
  const suite = new Uint8Array([CIPHER_SUITE >> 8, CIPHER_SUITE & 0xff]);
  return concat(utf8.encode(`SFrame 1.0 Secret ${kind} `), uint64(kid), suite);
}

/** derive_key_salt(KID, base_key): HKDF-SHA256 with an empty salt (Extract) and the RFC's labels (Expand). */
export async function deriveSframeKey(baseKey: Uint8Array<ArrayBuffer>, kid: bigint): Promise<SframeKey> {
  const s = crypto.subtle;
  const hkdf = await s.importKey('raw', baseKey, 'HKDF', false, ['deriveBits']);
  const expand = (info: Uint8Array<ArrayBuffer>, bytes: number) =>
    s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info }, hkdf, bytes * 8);
  const keyBytes = new Uint8Array(await expand(label('key', kid), KEY_BYTES));
  const salt = new Uint8Array(await expand(label('salt', kid), NONCE_BYTES));
  const key = await s.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
  keyBytes.fill(0);
  return { key, salt };
}

/** The nonce: sframe_salt XOR CTR (big-endian, Nn bytes). */
export function sframeNonce(salt: Uint8Array, ctr: bigint): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(salt);
  let v = ctr;
  for (let i = NONCE_BYTES - 1; i >= 0 && v > 0n; i--) {
    nonce[i]! ^= Number(v & 0xffn);
    v >>= 8n;
  }
  return nonce;
}

/** metadata ‖ header ‖ ciphertext: the metadata (clear codec bytes) first, where the SFU reads it. */
export async function sframeEncrypt(key: SframeKey, header: SframeHeader, metadata: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const encodedHeader = encodeSframeHeader(header);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: sframeNonce(key.salt, header.ctr), additionalData: concat(encodedHeader, metadata), tagLength: TAG_BYTES * 8 },
    key.key,
    plaintext as Uint8Array<ArrayBuffer>,
  );
  return concat(metadata, encodedHeader, new Uint8Array(sealed));
}

/** The header of a protected frame whose clear bytes are `clearLength` long, or null when there is none. */
export function readSframeHeader(frame: Uint8Array, clearLength: number): { header: SframeHeader; length: number } | null {
  const parsed = decodeSframeHeader(frame, clearLength);
  if (!parsed || frame.length < clearLength + parsed.length + TAG_BYTES) return null;
  return parsed;
}

/**
 * The plaintext of a protected frame, or null when it fails authentication
 * (wrong key, or any byte changed, clear ones included).
 */
export async function sframeDecrypt(key: SframeKey, frame: Uint8Array, clearLength: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const parsed = readSframeHeader(frame, clearLength);
  if (!parsed) return null;
  const metadata = frame.subarray(0, clearLength);
  const encodedHeader = frame.subarray(clearLength, clearLength + parsed.length);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sframeNonce(key.salt, parsed.header.ctr), additionalData: concat(encodedHeader, metadata), tagLength: TAG_BYTES * 8 },
      key.key,
      frame.subarray(clearLength + parsed.length) as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plain);
  } catch (error) {
    // WebCrypto's only way to say "authentication failed": an OperationError. Anything else is a bug.
    if (error instanceof DOMException && error.name === 'OperationError') return null;
    throw error;
  }
}
