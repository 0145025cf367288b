/**
 * Account passwords at rest: scrypt with OWASP's parameters (N=2^17, r=8, p=1).
 * One hash costs 128 MiB and ~0.3 s of one libuv pool thread (measured on the
 * 2-core dev box), so a stolen database is slow to attack, and the async API
 * keeps the event loop free while it runs.
 *
 * Stored as `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`: the parameters
 * travel with each hash, so they can be raised later and old hashes still verify
 * (see needsRehash).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { WorkGate } from './work-gate.js';

const LOG2_N = 17;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** scrypt needs 128 * N * r bytes (128 MiB here); Node's default cap is 32 MiB. */
const MAX_MEM = 256 * 1024 * 1024;

/**
 * Process-wide, like the libuv pool it protects: two hashes at a time leave two
 * of the pool's four threads for file and DNS work and cap scrypt at 256 MiB.
 * About 32 waiting is ~5 s of queue; beyond that, callers get rate_limited.
 */
const gate = new WorkGate(2, 32);

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return gate.run(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

/**
 * NIST SP 800-63B asks for Unicode normalisation, so the same passphrase typed
 * on macOS (decomposed accents) and on Windows (composed) is the same password.
 */
function normalise(password: string): string {
  return password.normalize('NFKC');
}

/** scrypt's cost: N = 2^log2N. */
export interface PasswordCost {
  log2N: number;
}

/**
 * What the server hashes with. Only tests of the account logic pass a cheaper
 * cost (each hash here is ~0.3 s; the suite makes hundreds); the tests of the
 * parameters and of the timing use this one.
 */
export const PASSWORD_COST: PasswordCost = { log2N: LOG2_N };

export async function hashPassword(password: string, cost: PasswordCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(normalise(password), salt, KEY_BYTES, { N: 2 ** cost.log2N, r: R, p: P, maxmem: MAX_MEM });
  return ['scrypt', cost.log2N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

interface Parsed {
  log2N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const ENCODED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function parse(encoded: string): Parsed | undefined {
  const m = ENCODED.exec(encoded);
  if (!m) return undefined;
  const [log2N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4]!, 'base64');
  const hash = Buffer.from(m[5]!, 'base64');
  // Bounds keep a damaged or planted row from asking for gigabytes or minutes.
  if (log2N < 10 || log2N > 20 || r < 1 || r > 16 || p < 1 || p > 4) return undefined;
  if (128 * 2 ** log2N * r > MAX_MEM) return undefined;
  if (salt.length < 16 || hash.length < 16 || hash.length > 64) return undefined;
  return { log2N, r, p, salt, hash };
}

/** True when `password` matches; false for a wrong password or a malformed `encoded`. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const { log2N, r, p, salt, hash } = parsed;
  const candidate = await scryptAsync(normalise(password), salt, hash.length, { N: 2 ** log2N, r, p, maxmem: MAX_MEM });
  return timingSafeEqual(candidate, hash);
}

/** True when `encoded` was made with other parameters than today's: hash again at the next log-in. */
export function needsRehash(encoded: string, cost: PasswordCost = PASSWORD_COST): boolean {
  const parsed = parse(encoded);
  return !parsed || parsed.log2N !== cost.log2N || parsed.r !== R || parsed.p !== P || parsed.hash.length !== KEY_BYTES;
}

/** Per cost (the server has one; tests of the logic use a cheaper one too). */
const dummies = new Map<number, Promise<string>>();

/**
 * A real hash of a random password nobody knows. Log-in verifies against it
 * when the username does not exist, so an unknown name costs the same scrypt
 * as a known one and timing does not reveal which usernames exist. Made on
 * first use (not at import) and then kept.
 */
export const DUMMY_HASH = (cost: PasswordCost = PASSWORD_COST): Promise<string> => {
  let dummy = dummies.get(cost.log2N);
  if (!dummy) {
    dummy = hashPassword(randomBytes(32).toString('base64url'), cost).catch((err: unknown) => {
      dummies.delete(cost.log2N); // let the next log-in try again rather than fail forever
      throw err;
    });
    dummies.set(cost.log2N, dummy);
  }
  return dummy;
};
