/**
 * The call this tab is in, kept so that a reload brings the person back into
 * it (pre-join then joins by itself with the same name and mute state).
 *
 * Kept in sessionStorage: it belongs to this tab only and goes with it, and
 * it is removed the moment the call ends. It holds the meeting password —
 * the keys themselves are non-extractable CryptoKeys and cannot be written
 * anywhere, so the reloaded page derives them again. Never localStorage,
 * never a settings file: see docs/ui-contract.md, "What the web client stores".
 */
import * as v from 'valibot';
import { reportFailure } from '../engine/failures.js';

const KEY = 'merimeet.activeCall';
/** A record older than this is from a tab left long ago (restored session): ignore it. */
export const ACTIVE_CALL_MAX_AGE_MS = 12 * 60 * 60 * 1000;

const ActiveCall = v.object({
  meetingId: v.pipe(v.string(), v.maxLength(64)),
  password: v.pipe(v.string(), v.maxLength(256)),
  displayName: v.pipe(v.string(), v.maxLength(64)),
  muted: v.boolean(),
  videoOff: v.boolean(),
  /** Date.now() when last written. */
  at: v.number(),
});
export type ActiveCall = v.InferOutput<typeof ActiveCall>;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: a reload then lands on the pre-join screen
  }
}

export function saveActiveCall(call: Omit<ActiveCall, 'at'>, now = Date.now()): void {
  try {
    storage()?.setItem(KEY, JSON.stringify({ ...call, at: now }));
  } catch (err) {
    // storage full or disabled: only the convenience of rejoining on reload is lost
    reportFailure('remembering the active call', err);
  }
}

/** The call to rejoin after a reload, or null (none, unreadable, or too old — then it is removed). */
export function loadActiveCall(now = Date.now()): ActiveCall | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed = v.safeParse(ActiveCall, JSON.parse(raw));
    if (parsed.success && now - parsed.output.at >= 0 && now - parsed.output.at < ACTIVE_CALL_MAX_AGE_MS) return parsed.output;
  } catch {
    // Not JSON (an older or damaged record): dropped below, like any record that does not parse. Counted
    // without the error, whose message can quote the record, and the record holds the meeting password.
    reportFailure('reading the active call', 'not JSON');
  }
  clearActiveCall();
  return null;
}

export function clearActiveCall(): void {
  try {
    storage()?.removeItem(KEY);
  } catch (err) {
    // nothing to clear
    reportFailure('forgetting the active call', err);
  }
}
