/** The screens, and what each needs. The app shell holds one Route at a time. */
import type { EndReason } from '../engine/call-state.js';
import { readFragment } from './invite.js';

export interface MeetingTarget {
  meetingId: string;
  password: string;
}

export type Route =
  | { name: 'home'; prefillId?: string }
  | { name: 'settings' }
  | ({ name: 'prejoin' } & MeetingTarget)
  | ({ name: 'meeting' } & MeetingTarget)
  | ({ name: 'left'; reason: EndReason | null } & MeetingTarget);

/**
 * The route the address bar asks for: an invite fragment (`#m=…&p=…`) goes
 * straight to pre-join; a bare `#m=…` pre-fills the meeting id on home.
 */
export function routeFromHash(hash: string): Route {
  const { meetingId, password } = readFragment(hash);
  if (meetingId !== undefined && password !== undefined) return { name: 'prejoin', meetingId, password };
  return meetingId === undefined ? { name: 'home' } : { name: 'home', prefillId: meetingId };
}

/**
 * Takes the password out of the address bar (and so out of history, bookmarks
 * and screen shares) once it has been read; the meeting id may stay.
 */
export function stripPasswordFromAddressBar(meetingId: string | undefined): void {
  const url = `${location.pathname}${location.search}${meetingId === undefined ? '' : `#m=${encodeURIComponent(meetingId)}`}`;
  history.replaceState(null, '', url);
}
