import { describe, expect, it } from 'vitest';
import { BackoffThrottle, POLICIES, type BackoffPolicy } from './backoff-throttle.js';

const policy: BackoffPolicy = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 10_000, forgetAfterMs: 60_000 };

function setup(opts: { maxKeys?: number } = {}) {
  const clock = { t: 1_000_000 };
  const throttle = new BackoffThrottle(policy, { ...opts, now: () => clock.t });
  return { clock, throttle };
}

describe('BackoffThrottle', () => {
  it('lets an unknown key through', () => {
    const { throttle } = setup();
    expect(throttle.retryAfter('a')).toBe(0);
    expect(throttle.size).toBe(0);
  });

  it('allows the free failures without any wait', () => {
    const { throttle } = setup();
    for (let i = 0; i < 3; i++) expect(throttle.failure('a')).toBe(0);
    expect(throttle.retryAfter('a')).toBe(0);
  });

  it('doubles the wait with each failure after the free ones, up to the cap', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 3; i++) throttle.failure('a');
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      waits.push(throttle.failure('a'));
      clock.t += waits.at(-1)!; // waits it out, then fails again
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('counts down the wait as time passes, and blocks only that key', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 5; i++) throttle.failure('a'); // 2 over the free 3: 2 s
    expect(throttle.retryAfter('a')).toBe(2000);
    expect(throttle.retryAfter('b')).toBe(0);
    clock.t += 1500;
    expect(throttle.retryAfter('a')).toBe(500);
    clock.t += 500;
    expect(throttle.retryAfter('a')).toBe(0);
  });

  it('never shortens a wait already earned', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 8; i++) throttle.failure('a'); // 10 s (capped)
    clock.t += 1000;
    expect(throttle.failure('a')).toBe(10_000); // not 9 s: the new failure restarts the cap
    expect(throttle.retryAfter('a')).toBe(10_000);
  });

  it('does not overflow after a very long run of failures', () => {
    const { throttle } = setup();
    let wait = 0;
    for (let i = 0; i < 5000; i++) wait = throttle.failure('a');
    expect(wait).toBe(10_000);
  });

  it('forgets a key after it has been idle for forgetAfterMs', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 6; i++) throttle.failure('a');
    clock.t += 59_999;
    expect(throttle.retryAfter('a')).toBe(0); // its wait is long over, but it is remembered:
    expect(throttle.failure('a')).toBe(8000);
    clock.t += 60_000;
    expect(throttle.retryAfter('a')).toBe(0);
    expect(throttle.size).toBe(0);
    expect(throttle.failure('a')).toBe(0); // a fresh start: free failures again
  });

  it('does not forget a key while it is still blocked', () => {
    let t = 0;
    const long = new BackoffThrottle({ ...policy, maxDelayMs: 120_000, baseDelayMs: 120_000 }, { now: () => t });
    for (let i = 0; i < 4; i++) long.failure('a');
    t += 61_000; // idle longer than forgetAfterMs, but blocked for 120 s
    expect(long.retryAfter('a')).toBe(59_000);
  });

  it('success forgets the failures', () => {
    const { throttle } = setup();
    for (let i = 0; i < 6; i++) throttle.failure('a');
    throttle.success('a');
    expect(throttle.retryAfter('a')).toBe(0);
    expect(throttle.failure('a')).toBe(0);
    throttle.success('never-seen'); // harmless
  });

  it('keeps at most maxKeys keys, dropping the least recently failed', () => {
    const { clock, throttle } = setup({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) {
      for (let i = 0; i < 5; i++) throttle.failure(key);
      clock.t += 1;
    }
    throttle.failure('a'); // a is now the most recently failed; b the least
    throttle.failure('d');
    expect(throttle.size).toBe(3);
    expect(throttle.retryAfter('b')).toBe(0);
    expect(throttle.retryAfter('a')).toBeGreaterThan(0);
    expect(throttle.retryAfter('c')).toBeGreaterThan(0);
  });

  it('stays bounded under a flood of distinct keys, and drops idle ones first', () => {
    const { clock, throttle } = setup({ maxKeys: 1000 });
    for (let i = 0; i < 10_000; i++) throttle.failure(`k${i}`);
    expect(throttle.size).toBe(1000);
    clock.t += 60_000;
    throttle.failure('late');
    expect(throttle.size).toBe(1); // all the idle ones swept out
  });

  it('ships the agreed policies', () => {
    expect(POLICIES.loginPerAccount).toEqual({ freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: 900_000 });
    expect(POLICIES.loginPerAddress).toEqual({ freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 900_000, forgetAfterMs: 3_600_000 });
    expect(POLICIES.admissionPerMeeting).toEqual({ freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: 900_000 });
    expect(POLICIES.admissionPerAddress).toEqual({ freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 900_000, forgetAfterMs: 3_600_000 });
  });
});
