import { describe, expect, it } from 'vitest';
import { deriveMeetingKeys } from '../../../common/crypto/meeting-keys.js';
import { derivationOf, KEY_DERIVATION_MEASURE, meetingKeysFor, progressOf, type KeyDerivation } from './key-derivation.js';

const job = (patch: Partial<KeyDerivation>): KeyDerivation => ({ keys: Promise.resolve(null as never), startedAt: 1000, estimateMs: null, tookMs: null, ...patch });

describe('key derivation progress', () => {
  it('is unknown without an estimate, elapsed / estimate with one, capped below done, 1 when done', () => {
    expect(progressOf(job({}), 2000)).toBeNull();
    expect(progressOf(job({ estimateMs: 4000 }), 2000)).toBe(0.25);
    expect(progressOf(job({ estimateMs: 4000 }), 9000)).toBe(0.95);
    expect(progressOf(job({ estimateMs: 4000, tookMs: 3000 }), 2000)).toBe(1);
  });

  it('derives once per meeting and password, the real keys, estimated and measured', async () => {
    const first = meetingKeysFor('abcdefghij', 'abc-defg-hij');
    expect(meetingKeysFor('abcdefghij', 'abc-defg-hij')).toBe(first);
    const keys = await first;
    expect(keys.verifier).toBe((await deriveMeetingKeys('abcdefghij', 'abc-defg-hij')).verifier);
    const done = derivationOf(first)!;
    expect(done.estimateMs).toBeGreaterThan(0);
    expect(done.tookMs).toBeGreaterThan(0);
    expect(performance.getEntriesByName(KEY_DERIVATION_MEASURE).length).toBeGreaterThan(0);
    expect(meetingKeysFor('abcdefghij', 'xyz-defg-hij')).not.toBe(first);
  }, 30_000);
});
