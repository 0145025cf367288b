/**
 * Small, non-secret preferences kept across visits (display name, chosen
 * devices). Never the meeting password or a session token.
 */
import { reportFailure } from '../engine/failures.js';

export interface Preferences {
  displayName: string;
  cameraId: string;
  micId: string;
  sinkId: string;
  /** Connect through the TURN relay only (hides this computer's addresses from the others). */
  relayOnly: boolean;
}

const KEY = 'merimeet.preferences';
const EMPTY: Preferences = { displayName: '', cameraId: '', micId: '', sinkId: '', relayOnly: false };

export function loadPreferences(): Preferences {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return { ...EMPTY };
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    const str = (k: keyof Preferences) => (typeof parsed[k] === 'string' ? (parsed[k] as string).slice(0, 256) : '');
    return {
      displayName: str('displayName'),
      cameraId: str('cameraId'),
      micId: str('micId'),
      sinkId: str('sinkId'),
      relayOnly: parsed.relayOnly === true,
    };
  } catch {
    return { ...EMPTY };
  }
}

export function savePreferences(prefs: Preferences): void {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(prefs));
  } catch (err) {
    // storage full or disabled: preferences are a convenience only
    reportFailure('saving preferences', err);
  }
}
