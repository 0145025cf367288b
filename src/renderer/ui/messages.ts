/** The sentences people see for errors (docs/ui-contract.md: exact texts). */
import type { CallError, CallState, EndReason } from '../engine/call-state.js';

export const ERROR_TEXT: Readonly<Record<string, string>> = {
  wrong_key: 'Wrong meeting ID or password.',
  not_found: 'Wrong meeting ID or password.',
  meeting_full: 'This meeting is full.',
  meeting_locked: 'The host has locked this meeting.',
  meeting_ended: 'This meeting has ended.',
  ended: 'This meeting has ended.',
  denied: 'The host did not let you in.',
  removed: 'The host removed you from the meeting.',
  rate_limited: 'Too many attempts. Wait a moment, then try again.',
  camera_lost: 'Your camera stopped working.',
};

export const CAMERA_LOST = ERROR_TEXT['camera_lost']!;

export function errorText(error: CallError | null | undefined): string | null {
  if (!error) return null;
  return ERROR_TEXT[error.code] ?? (error.message || 'Something went wrong.');
}

/** The alert after the call ended for a reason other than leaving, or null. */
export function endReasonText(reason: EndReason | null): string | null {
  if (reason === null || reason === 'left') return null;
  return ERROR_TEXT[reason] ?? null;
}

/** "Bob left the meeting." and its variants, for the departure notice (docs/ui-contract.md). */
export function departureText(d: NonNullable<CallState['lastDeparture']>): string {
  switch (d.reason) {
    case 'timeout':
      return `${d.displayName} lost their connection and left the meeting.`;
    case 'removed':
      return `${d.displayName} was removed from the meeting.`;
    default:
      return `${d.displayName} left the meeting.`;
  }
}

/** The text of the offline alert (docs/ui-contract.md). */
export const OFFLINE = 'You are offline: the meeting server cannot be reached. meriMeet keeps trying.';

/** "Reconnecting to Ada…" while the media path to someone is being repaired (ICE restart); '' otherwise. */
export function reconnectingTo(state: Pick<CallState, 'peers'>): string {
  const names = state.peers.filter((p) => p.connection === 'reconnecting').map((p) => p.displayName);
  if (names.length === 0) return '';
  if (names.length === 1) return `Reconnecting to ${names[0]}…`;
  if (names.length === 2) return `Reconnecting to ${names[0]} and ${names[1]}…`;
  return `Reconnecting to ${names.slice(0, -1).join(', ')} and ${names.at(-1)}…`;
}
