import { describe, expect, it } from 'vitest';
import { MIN_REFRESH_DELAY_MS, credentialRefreshDelay, hasTurnCredentials } from './ice-refresh.js';

describe('credentialRefreshDelay', () => {
  it('asks at three quarters of a long lifetime', () => {
    expect(credentialRefreshDelay(3_600_000)).toBe(2_700_000);
    expect(credentialRefreshDelay(24 * 3_600_000)).toBe(18 * 3_600_000);
  });

  it('asks at least a minute before expiry when three quarters would be later than that', () => {
    expect(credentialRefreshDelay(120_000)).toBe(60_000); // 3/4 would be 90 s: too close to the end
    expect(credentialRefreshDelay(200_000)).toBe(140_000);
  });

  it('never asks sooner than the floor, even for absurdly short lifetimes', () => {
    expect(credentialRefreshDelay(60_000)).toBe(MIN_REFRESH_DELAY_MS);
    expect(credentialRefreshDelay(1_000)).toBe(MIN_REFRESH_DELAY_MS);
  });

  it('does not schedule anything without a lifetime', () => {
    expect(credentialRefreshDelay(undefined)).toBeNull();
    expect(credentialRefreshDelay(0)).toBeNull();
    expect(credentialRefreshDelay(-5)).toBeNull();
    expect(credentialRefreshDelay(Number.NaN)).toBeNull();
  });
});

describe('hasTurnCredentials', () => {
  it('is true only for TURN entries with a username and credential', () => {
    expect(hasTurnCredentials([])).toBe(false);
    expect(hasTurnCredentials([{ urls: ['stun:127.0.0.1:3478'] }])).toBe(false);
    expect(hasTurnCredentials([{ urls: 'turn:127.0.0.1:3478' }])).toBe(false);
    expect(hasTurnCredentials([{ urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1:p', credential: 'c' }])).toBe(true);
    expect(hasTurnCredentials([{ urls: 'TURNS:relay.example.org:5349', username: '1:p', credential: 'c' }])).toBe(true);
  });
});
