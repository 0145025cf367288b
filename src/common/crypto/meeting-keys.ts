/**
 * Meeting key derivation (DESIGN.md, security model §3). The password never
 * reaches the server; every client derives from it, with WebCrypto only:
 *
 *   stretched    = PBKDF2-SHA256(password, salt = "merimeet/v1/meeting:" + meetingId,
 *                                600,000 iterations, 32 bytes)
 *   admissionKey = HKDF-SHA256(stretched, salt = "", info = "merimeet/v1/admission", 32 bytes)
 *   verifier     = SHA-256(admissionKey)
 *   e2eKey       = HKDF-SHA256(stretched, salt = "", info = "merimeet/v1/e2e", 32 bytes),
 *                  imported as a non-extractable HKDF key
 *   subkey(p)    = HKDF-SHA256(e2eKey, salt = "", info = "merimeet/v1/" + p)
 *
 * What the server sees: the verifier once, when the meeting is created, and
 * the admission key on every join. Independence: HKDF-Expand with distinct
 * info strings yields outputs that are independent pseudorandom values (HMAC
 * is a PRF keyed by the secret PRK), so the admission key reveals nothing
 * about the e2e key; getting from the admission key to the e2e key would
 * require inverting HMAC-SHA256 to recover `stretched`. The verifier is a hash
 * of the admission key, so a leaked server database is only good for an
 * offline guessing attack that pays 600,000 PBKDF2 iterations per guess
 * against a ≈57.8-bit password.
 *
 * The per-meeting salt makes each meeting's work separate: no precomputation
 * across meetings, and the same password in two meetings gives unrelated keys.
 *
 * All labels carry "v1"; changing any parameter here means a new label
 * (and the known-answer tests in meeting-keys.test.ts will fail until then).
 */

import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { normalizeMeetingPassword } from './meeting-password.js';

/** PBKDF2-SHA256 iterations (OWASP 2023 recommendation; design floor 600,000). */
export const PBKDF2_ITERATIONS = 600_000;

/** Salt prefix; the meeting id follows. */
export const MEETING_SALT_PREFIX = 'merimeet/v1/meeting:';

/** HKDF info for the admission key. */
export const ADMISSION_INFO = 'merimeet/v1/admission';

/** HKDF info for the end-to-end base key. */
export const E2E_INFO = 'merimeet/v1/e2e';

/** HKDF info prefix for subkeys of the end-to-end key; the purpose follows. */
export const SUBKEY_INFO_PREFIX = 'merimeet/v1/';

/** Bytes of every derived secret (256 bits). */
const KEY_BYTES = 32;

export interface MeetingKeys {
  /** 32 bytes, base64url: proves knowledge of the password to the server on every join. */
  readonly admissionKey: string;
  /** base64url SHA-256 of the admission key bytes: sent once, at meeting creation; the server stores only this. */
  readonly verifier: string;
  /**
   * Non-extractable HKDF base key for everything end to end (SDP MACs, chat
   * and file-metadata AES-GCM). Never leaves the client; use {@link deriveSubKey}.
   */
  readonly e2eKey: CryptoKey;
}

/** What a subkey is for. */
export type SubKeyUsage = 'HMAC' | 'AES-GCM';

const utf8 = new TextEncoder();
const NO_SALT = new Uint8Array(0);

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available; a secure context is required');
  return s;
}

async function hkdfBytes(key: CryptoKey, info: string): Promise<Uint8Array<ArrayBuffer>> {
  const bits = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: NO_SALT, info: utf8.encode(info) },
    key,
    KEY_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/**
 * Derives a meeting's keys from its password and id. Slow on purpose
 * (PBKDF2, 600,000 iterations): call once per join, off any hot path.
 *
 * The password is normalized with `normalizeMeetingPassword` (trimmed) first.
 * Throws if the password or the meeting id is empty.
 */
export async function deriveMeetingKeys(password: string, meetingId: string): Promise<MeetingKeys> {
  const normalized = normalizeMeetingPassword(password);
  if (normalized.length === 0) throw new Error('meeting password is empty');
  if (meetingId.length === 0) throw new Error('meeting id is empty');
  const s = subtle();

  const passwordKey = await s.importKey('raw', utf8.encode(normalized), 'PBKDF2', false, ['deriveBits']);
  const stretched = new Uint8Array(
    await s.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: utf8.encode(MEETING_SALT_PREFIX + meetingId), iterations: PBKDF2_ITERATIONS },
      passwordKey,
      KEY_BYTES * 8,
    ),
  );
  const master = await s.importKey('raw', stretched, 'HKDF', false, ['deriveBits']);
  stretched.fill(0);

  const admission = await hkdfBytes(master, ADMISSION_INFO);
  const verifier = new Uint8Array(await s.digest('SHA-256', admission));

  const e2eBytes = await hkdfBytes(master, E2E_INFO);
  const e2eKey = await s.importKey('raw', e2eBytes, 'HKDF', false, ['deriveKey', 'deriveBits']);
  e2eBytes.fill(0); // best effort: the only copy left is inside the non-extractable key

  const keys: MeetingKeys = { admissionKey: encodeBase64Url(admission), verifier: encodeBase64Url(verifier), e2eKey };
  admission.fill(0);
  return keys;
}

/** Purposes are short ASCII labels, e.g. `sdp-mac`, `chat/aes-gcm`. */
const PURPOSE = /^[a-z0-9][a-z0-9._/-]{0,63}$/;

/**
 * A non-extractable key for one purpose, derived from the meeting's e2e key
 * with HKDF-SHA256 (info `"merimeet/v1/" + purpose`). Distinct purposes give
 * independent keys.
 *
 * - `'HMAC'`: HMAC-SHA256, 256-bit key, usages sign/verify.
 * - `'AES-GCM'`: AES-256-GCM, usages encrypt/decrypt.
 *
 * Use each purpose with one usage only (name it accordingly, e.g.
 * `sdp-mac` for HMAC, `chat` for AES-GCM): the same purpose with both
 * usages would give the same key bytes to two algorithms.
 */
export async function deriveSubKey(e2eKey: CryptoKey, purpose: string, usage: SubKeyUsage): Promise<CryptoKey> {
  if (!PURPOSE.test(purpose)) throw new Error(`invalid subkey purpose: ${JSON.stringify(purpose)}`);
  const params: HkdfParams = { name: 'HKDF', hash: 'SHA-256', salt: NO_SALT, info: utf8.encode(SUBKEY_INFO_PREFIX + purpose) };
  switch (usage) {
    case 'HMAC':
      return subtle().deriveKey(params, e2eKey, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']);
    case 'AES-GCM':
      return subtle().deriveKey(params, e2eKey, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    default:
      throw new Error(`unknown subkey usage: ${String(usage satisfies never)}`);
  }
}

/**
 * The verifier for a base64url admission key (base64url SHA-256 of its 32
 * bytes), for code that holds only the admission key. Same value as
 * `MeetingKeys.verifier`. Throws if the input is not 32 bytes of canonical base64url.
 */
export async function admissionVerifier(admissionKey: string): Promise<string> {
  const bytes = decodeBase64Url(admissionKey);
  if (bytes.length !== KEY_BYTES) throw new Error('an admission key is 32 bytes');
  return encodeBase64Url(new Uint8Array(await subtle().digest('SHA-256', bytes)));
}
