import { describe, expect, it } from 'vitest';
import { ICE_REFRESH_BURST, iceRefreshBucket, iceRefreshRefillMs } from './ice-refresh-limit.js';

describe('ice.refresh allowance', () => {
  it('refills at least twice as fast as a client asks, and never slower than once a minute', () => {
    expect(iceRefreshRefillMs(3600)).toBe(60_000); // a client asks every 45 min
    expect(iceRefreshRefillMs(600)).toBe(60_000); // every 7.5 min
    expect(iceRefreshRefillMs(100)).toBe(20_000); // every 40 s (ttl − 60 s)
    expect(iceRefreshRefillMs(60)).toBe(5_000); // every 10 s (the client's floor)
  });

  it('allows a burst, then refuses until the next refill, and says how long that is', () => {
    let now = 0;
    const bucket = iceRefreshBucket(3600, () => now);
    for (let i = 0; i < ICE_REFRESH_BURST; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    expect(bucket.waitMs()).toBe(60_000);
    now += 59_000;
    expect(bucket.take()).toBe(false);
    now += 1_000;
    expect(bucket.take()).toBe(true);
  });
});
