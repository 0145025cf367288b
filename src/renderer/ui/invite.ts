/**
 * Invite links: `https://HOST/#m=MEETING_ID&p=PASSWORD`. The password rides
 * only in the fragment, which browsers never send to a server. Everything
 * here treats its input as hostile: it may come from a paste or from the
 * address bar.
 */
import { MEETING_ID_PATTERN } from '@merimeet/signaling/protocol';

/** Longer than any link we make by far; refuse anything bigger without looking. */
export const MAX_INVITE_LENGTH = 2048;
/** Generated passwords have 10 characters; leave room for hand-typed ones, not for megabytes. */
export const MAX_PASSWORD_LENGTH = 128;

export interface Invite {
  meetingId: string;
  password: string;
  /** `https://host:port` when the input was a full link, else undefined. */
  origin?: string;
}

export type InviteParse = { ok: true; invite: Invite } | { ok: false; reason: string };

/** Meeting ids are case-insensitive to read aloud; the canonical form is lowercase. */
export function normalizeMeetingId(input: string): string {
  return input.trim().toLowerCase();
}

export function isMeetingId(input: string): boolean {
  return MEETING_ID_PATTERN.test(input);
}

/** Printable, no control or format characters, within bounds. */
export function isAcceptablePassword(password: string): boolean {
  return (
    password.length > 0 &&
    password.length <= MAX_PASSWORD_LENGTH &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffd]/.test(password)
  );
}

/** The invite link for a meeting on `origin` (e.g. `https://meet.example.org`). */
export function formatInviteLink(origin: string, meetingId: string, password: string): string {
  return `${origin.replace(/\/+$/, '')}/#${formatInviteFragment(meetingId, password)}`;
}

export function formatInviteFragment(meetingId: string, password: string): string {
  return `m=${encodeURIComponent(meetingId)}&p=${encodeURIComponent(password)}`;
}

/** What a fragment (`#m=…&p=…`, with or without `#`) names; either part may be missing. */
export function readFragment(hash: string): { meetingId?: string; password?: string } {
  if (hash.length > MAX_INVITE_LENGTH) return {};
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const out: { meetingId?: string; password?: string } = {};
  const ids = params.getAll('m');
  if (ids.length === 1) {
    const id = normalizeMeetingId(ids[0]!);
    if (isMeetingId(id)) out.meetingId = id;
  }
  const passwords = params.getAll('p');
  if (passwords.length === 1) {
    const password = passwords[0]!.trim();
    if (isAcceptablePassword(password)) out.password = password;
  }
  return out;
}

/**
 * Reads a pasted invite: a full link (`https://host/#m=…&p=…`) or just its
 * fragment (`#m=…&p=…` or `m=…&p=…`).
 */
export function parseInvite(input: string): InviteParse {
  const text = input.trim();
  if (text.length === 0) return { ok: false, reason: 'Paste an invite link.' };
  if (text.length > MAX_INVITE_LENGTH) return { ok: false, reason: 'That invite link is too long.' };

  let fragment: string;
  let origin: string | undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, reason: 'That is not an invite link.' };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'That is not an invite link.' };
    origin = url.origin;
    fragment = url.hash;
  } else {
    fragment = text;
  }
  if (!/^#?[mp]=/.test(fragment)) return { ok: false, reason: 'That link has no meeting in it.' };
  const { meetingId, password } = readFragment(fragment);
  if (meetingId === undefined) return { ok: false, reason: 'That link has no valid meeting ID.' };
  if (password === undefined) return { ok: false, reason: 'That link has no valid meeting password.' };
  return { ok: true, invite: origin === undefined ? { meetingId, password } : { meetingId, password, origin } };
}
