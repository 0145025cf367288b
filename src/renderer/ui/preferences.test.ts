import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPreferences, savePreferences } from './preferences.js';

/** Node 20 has no localStorage: a Map behind the Storage methods preferences.ts uses. */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, String(v)) };
}

describe('preferences: noise suppression', () => {
  beforeEach(() => {
    (globalThis as { window?: unknown }).window = { localStorage: memoryStorage() };
  });
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it('is on for someone new', () => {
    expect(loadPreferences().noiseSuppression).toBe(true);
  });

  it('is on for preferences saved before the toggle existed', () => {
    window.localStorage.setItem('merimeet.preferences', JSON.stringify({ displayName: 'Ada', relayOnly: true }));
    expect(loadPreferences()).toMatchObject({ displayName: 'Ada', relayOnly: true, noiseSuppression: true });
  });

  it('stays off once turned off, and anything but false reads as on', () => {
    savePreferences({ ...loadPreferences(), noiseSuppression: false });
    expect(loadPreferences().noiseSuppression).toBe(false);
    window.localStorage.setItem('merimeet.preferences', JSON.stringify({ noiseSuppression: 'no' }));
    expect(loadPreferences().noiseSuppression).toBe(true);
  });
});
