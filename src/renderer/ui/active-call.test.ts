import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIVE_CALL_MAX_AGE_MS, clearActiveCall, loadActiveCall, saveActiveCall } from './active-call.js';

/** A Storage backed by a Map: the module only needs getItem/setItem/removeItem. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, String(v)),
  };
}

const CALL = { meetingId: 'abc-defg-hjk', password: 'correct-horse', displayName: 'Ada', muted: true, videoOff: false };

describe('the call kept for a reload', () => {
  beforeEach(() => {
    (globalThis as { window?: unknown }).window = { sessionStorage: memoryStorage() };
  });
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it('comes back as saved', () => {
    saveActiveCall(CALL, 1_000);
    expect(loadActiveCall(2_000)).toEqual({ ...CALL, at: 1_000 });
  });

  it('is gone once the call is cleared', () => {
    saveActiveCall(CALL);
    clearActiveCall();
    expect(loadActiveCall()).toBeNull();
  });

  it('is ignored and removed when older than the limit', () => {
    saveActiveCall(CALL, 0);
    expect(loadActiveCall(ACTIVE_CALL_MAX_AGE_MS)).toBeNull();
    expect(window.sessionStorage.getItem('merimeet.activeCall')).toBeNull();
  });

  it('is ignored and removed when tampered with or malformed', () => {
    window.sessionStorage.setItem('merimeet.activeCall', '{not json');
    expect(loadActiveCall()).toBeNull();
    window.sessionStorage.setItem('merimeet.activeCall', JSON.stringify({ ...CALL, muted: 'yes', at: Date.now() }));
    expect(loadActiveCall()).toBeNull();
    expect(window.sessionStorage.getItem('merimeet.activeCall')).toBeNull();
  });

  it('does nothing (and throws nothing) when storage is unavailable', () => {
    Object.defineProperty(globalThis, 'window', {
      configurable: true,
      value: {
        get sessionStorage(): Storage {
          throw new DOMException('denied', 'SecurityError');
        },
      },
    });
    expect(() => saveActiveCall(CALL)).not.toThrow();
    expect(loadActiveCall()).toBeNull();
  });
});
