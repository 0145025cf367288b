/**
 * The meeting keys of one (meeting, password), derived once, as early as
 * possible, with an honest progress estimate.
 *
 * PBKDF2-SHA256 at 600,000 iterations (common/crypto/meeting-keys.ts) is slow
 * on purpose: measured 0.6–2.2 s in Chromium 156 and Firefox ESR 153 on the
 * shared 2-core build machine (firefox-call.spec.ts prints it), and reported
 * at 7.6–9.4 s in Firefox there under load (issue 18). The cost is not lowered
 * (it is what an offline guess costs an attacker holding the server's
 * verifier); instead:
 * - an invite link starts it from the renderer's entry point (main.tsx),
 *   before the platform is detected and before pre-join renders;
 * - WebCrypto gives no progress for one deriveBits call, so a calibration
 *   run of 1 % of the iterations (6,000: milliseconds) goes first, and
 *   pre-join shows elapsed / (100 × that);
 * - the time is recorded as a User Timing measure, `merimeet:key-derivation`
 *   (performance.getEntriesByName), read by the e2e specs and the bench.
 */
import { deriveMeetingKeys, PBKDF2_ITERATIONS, type MeetingKeys } from '../../../common/crypto/meeting-keys.js';

export const KEY_DERIVATION_MEASURE = 'merimeet:key-derivation';

/** Share of the real work the calibration does: its time × this is the estimate. */
const CALIBRATION_SHARE = 100;

export interface KeyDerivation {
  readonly keys: Promise<MeetingKeys>;
  /** performance.now() when it started. */
  readonly startedAt: number;
  /** Expected total, in ms, once the calibration has run (null until then, or if it failed). */
  estimateMs: number | null;
  /** How long it took, once done. */
  tookMs: number | null;
}

let current: { id: string; job: KeyDerivation } | null = null;
const byPromise = new WeakMap<Promise<MeetingKeys>, KeyDerivation>();

async function calibrate(): Promise<number> {
  const s = crypto.subtle;
  const key = await s.importKey('raw', new TextEncoder().encode('calibration'), 'PBKDF2', false, ['deriveBits']);
  const t0 = performance.now();
  await s.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode('merimeet/calibration'), iterations: PBKDF2_ITERATIONS / CALIBRATION_SHARE },
    key,
    256,
  );
  return (performance.now() - t0) * CALIBRATION_SHARE;
}

function start(password: string, meetingId: string): KeyDerivation {
  const startedAt = performance.now();
  const job: KeyDerivation = { keys: null as unknown as Promise<MeetingKeys>, startedAt, estimateMs: null, tookMs: null };
  const keys = (async () => {
    // A failed calibration only costs the estimate; the derivation itself reports its own failure.
    job.estimateMs = await calibrate().catch((err: unknown) => {
      console.warn('meriMeet: key derivation progress unavailable', err);
      return null;
    });
    const result = await deriveMeetingKeys(password, meetingId);
    job.tookMs = performance.now() - startedAt;
    performance.measure(KEY_DERIVATION_MEASURE, { start: startedAt, duration: job.tookMs });
    return result;
  })();
  (job as { keys: Promise<MeetingKeys> }).keys = keys;
  byPromise.set(keys, job);
  return job;
}

/**
 * The keys for this meeting and password: the derivation already under way
 * for them (started by the link, or by an earlier call), or a new one.
 */
export function meetingKeysFor(password: string, meetingId: string): Promise<MeetingKeys> {
  const id = `${meetingId}\n${password}`;
  if (current?.id !== id) {
    const job = start(password, meetingId);
    const entry = { id, job };
    current = entry;
    job.keys.catch(() => {
      if (current === entry) current = null; // a later attempt starts afresh
    });
  }
  return current.job.keys;
}

/** The derivation behind a promise meetingKeysFor returned, for its progress. */
export function derivationOf(keys: Promise<MeetingKeys>): KeyDerivation | null {
  return byPromise.get(keys) ?? null;
}

/** 0..1 (never 1 before it is done: the estimate may be short), or null while there is no estimate. */
export function progressOf(job: KeyDerivation, now = performance.now()): number | null {
  if (job.tookMs !== null) return 1;
  if (job.estimateMs === null || job.estimateMs <= 0) return null;
  return Math.min(0.95, (now - job.startedAt) / job.estimateMs);
}
