/**
 * Sentences shown to people for errors and endings. The texts are part of
 * the UI contract (docs/ui-contract.md): the end-to-end tests find them.
 */
import type { CallError, EndReason } from './call-state.js';

const ERROR_TEXT: Record<string, string> = {
  wrong_key: 'Wrong meeting ID or password.',
  meeting_full: 'This meeting is full.',
  meeting_locked: 'The host has locked this meeting.',
  meeting_ended: 'This meeting has ended.',
  rate_limited: 'Too many attempts. Please wait a moment and try again.',
  unreachable: 'Could not reach the meeting server. Check your connection and try again.',
  timeout: 'The meeting server did not answer. Please try again.',
  disconnected: 'The connection to the meeting server was lost. Please try again.',
  not_connected: 'The connection to the meeting server was lost. Please try again.',
  replaced: 'You joined this meeting from another window or device.',
  already_joined: 'You are already in this meeting in this window.',
  bad_message: 'This app and the meeting server do not understand each other. Please update the app.',
  // Warnings during a call (CallState.warning): the call goes on.
  turn_auth:
    'The relay server (TURN) refused our credentials: they are wrong or expired. Connections that need the relay cannot be made; the meeting server’s TURN settings need checking.',
  no_relay: 'You chose to connect through the relay only, but this meeting server offers no relay (TURN) server, so nobody can connect to you.',
  session_expired: 'Your sign-in has expired, so the meeting server no longer knows you own this meeting: you may lose the host role. Sign in again from the home screen.',
};

const END_TEXT: Record<EndReason, string> = {
  left: 'You left the meeting',
  removed: 'The host removed you from the meeting.',
  denied: 'The host did not let you in.',
  ended: 'This meeting has ended.',
};

/** A CallError for a protocol or local error code. */
export function callError(code: string, retryAfterMs?: number): CallError {
  let message = ERROR_TEXT[code] ?? 'Something went wrong joining the meeting. Please try again.';
  if (code === 'rate_limited' && retryAfterMs !== undefined && retryAfterMs > 0) {
    message = `Too many attempts. Please try again in ${Math.ceil(retryAfterMs / 1000)} seconds.`;
  }
  return { code, message };
}

/** The sentence for how a meeting ended for this client. */
export function endReasonMessage(reason: EndReason): string {
  return END_TEXT[reason];
}
