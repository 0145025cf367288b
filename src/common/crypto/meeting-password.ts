/**
 * Meeting passwords (DESIGN.md, security model §2): 10 characters drawn
 * uniformly from a 55-character alphabet by the host's client, with a CSPRNG
 * and no modulo bias. Environment-free: WebCrypto's getRandomValues only.
 *
 * Entropy: 10 × log2(55) ≈ 57.81 bits (design floor: 57 bits). With the
 * admission key stretched by PBKDF2 (600,000 iterations, see meeting-keys.ts)
 * and server-side throttling, online guessing is hopeless and an offline
 * attack on a leaked verifier costs ~2^57 × 600,000 PBKDF2-HMAC-SHA256 blocks.
 */

/**
 * Digits 2–9, lowercase without i l o, uppercase without I O: no 0/O/o, 1/l/I
 * look-alikes. Case-sensitive (55 symbols; folding case would cut entropy).
 */
export const MEETING_PASSWORD_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';

/** Characters per password. */
export const MEETING_PASSWORD_LENGTH = 10;

/** Entropy of a generated password in bits: 10 × log2(55) ≈ 57.81. */
export const MEETING_PASSWORD_BITS: number = MEETING_PASSWORD_LENGTH * Math.log2(MEETING_PASSWORD_ALPHABET.length);

/**
 * Largest multiple of the alphabet size that fits in a byte (4 × 55 = 220).
 * Bytes at or above it are discarded: accepting them would make the first
 * 256 − 220 = 36 characters more likely than the rest (modulo bias).
 */
const ACCEPT_BELOW = Math.floor(256 / MEETING_PASSWORD_ALPHABET.length) * MEETING_PASSWORD_ALPHABET.length;

/**
 * Bound on refills before giving up. Each byte is rejected with probability
 * 36/256, so needing this many rounds means the random source is broken
 * (e.g. stuck at 0xff); failing beats looping forever.
 */
const MAX_ROUNDS = 64;

/** Fills `array` with random bytes, like `crypto.getRandomValues`. Injectable for tests only. */
export type RandomBytesSource = (array: Uint8Array<ArrayBuffer>) => unknown;

const webCryptoRandom: RandomBytesSource = (array) => globalThis.crypto.getRandomValues(array);

/**
 * A fresh meeting password: {@link MEETING_PASSWORD_LENGTH} characters drawn
 * uniformly and independently from {@link MEETING_PASSWORD_ALPHABET} using
 * rejection sampling over CSPRNG bytes.
 *
 * @param random the byte source; defaults to `globalThis.crypto.getRandomValues`.
 *   Production code never passes it.
 */
export function generateMeetingPassword(random: RandomBytesSource = webCryptoRandom): string {
  const size = MEETING_PASSWORD_ALPHABET.length;
  let password = '';
  for (let round = 0; round < MAX_ROUNDS && password.length < MEETING_PASSWORD_LENGTH; round++) {
    // Ask only for what is still missing, so no accepted byte is thrown away.
    const bytes = new Uint8Array(MEETING_PASSWORD_LENGTH - password.length);
    random(bytes);
    for (const byte of bytes) {
      if (byte < ACCEPT_BELOW && password.length < MEETING_PASSWORD_LENGTH) {
        password += MEETING_PASSWORD_ALPHABET[byte % size]!;
      }
    }
    bytes.fill(0);
  }
  if (password.length !== MEETING_PASSWORD_LENGTH) {
    throw new Error('random source keeps returning unusable bytes');
  }
  return password;
}

/**
 * The canonical form of a typed or pasted password: surrounding whitespace
 * removed. No case folding — the alphabet is case-sensitive — and nothing
 * inside the password is touched. Key derivation applies this too, so the
 * host's generated password and a guest's pasted copy derive the same keys.
 */
export function normalizeMeetingPassword(input: string): string {
  return input.trim();
}

/**
 * Whether `input` (after {@link normalizeMeetingPassword}) could be a password
 * this module generated: the right length, alphabet characters only. For
 * early UI feedback; admission is decided by the keys, not by this check.
 */
export function isPlausibleMeetingPassword(input: string): boolean {
  const password = normalizeMeetingPassword(input);
  if (password.length !== MEETING_PASSWORD_LENGTH) return false;
  for (const char of password) {
    if (!MEETING_PASSWORD_ALPHABET.includes(char)) return false;
  }
  return true;
}
