/**
 * A sender's media key: 32 random bytes per epoch (never derived from the
 * password), ratcheted forward with HKDF on every join. Its SFrame KID says
 * which: `epoch · 2^16 + step`, so a receiver that holds step s of an epoch
 * can derive any later step itself, and nobody can derive an earlier one
 * (HKDF is one-way) or another epoch (fresh random bytes).
 */
export const MEDIA_KEY_BYTES = 32;
/** Ratchet steps per epoch before the sender starts a new epoch instead. */
export const MAX_STEP = 0xffff;
const STEP_BITS = 2 ** 16;
/** Epochs stay below 2^32, so a KID stays below 2^48 (a safe integer, 6 header bytes). */
export const MAX_EPOCH = 2 ** 32 - 1;
const RATCHET_INFO = new TextEncoder().encode('merimeet/v1/sfu-media-ratchet');

export interface MediaKey {
  epoch: number;
  step: number;
  baseKey: Uint8Array<ArrayBuffer>;
}

export const kidOf = (k: { epoch: number; step: number }): number => k.epoch * STEP_BITS + k.step;

export function splitKid(kid: number): { epoch: number; step: number } {
  return { epoch: Math.floor(kid / STEP_BITS), step: kid % STEP_BITS };
}

export function randomMediaKey(epoch: number): MediaKey {
  return { epoch, step: 0, baseKey: crypto.getRandomValues(new Uint8Array(MEDIA_KEY_BYTES)) };
}

/** The next step's key: HKDF-SHA256(baseKey, info "merimeet/v1/sfu-media-ratchet"). */
export async function ratchetMediaKey(key: MediaKey): Promise<MediaKey> {
  if (key.step >= MAX_STEP) throw new RangeError('media key ratchet exhausted for this epoch');
  const hkdf = await crypto.subtle.importKey('raw', key.baseKey, 'HKDF', false, ['deriveBits']);
  const next = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: RATCHET_INFO }, hkdf, MEDIA_KEY_BYTES * 8);
  return { epoch: key.epoch, step: key.step + 1, baseKey: new Uint8Array(next) };
}
