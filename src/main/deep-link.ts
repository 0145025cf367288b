/**
 * `merimeet://` invite links, as the OS hands them to the app (on the command
 * line on Windows and Linux, as an `open-url` event on macOS). They come from
 * anywhere (a web page, an e-mail), so they are parsed as hostile input:
 * one exact shape, bounded, no surprises.
 *
 *   merimeet://join/abc-defg-hjk
 *   merimeet://join/abc-defg-hjk?server=wss%3A%2F%2Fmeet.example.org%2Fws
 *   merimeet://join/abc-defg-hjk?server=…#p=PASSWORD
 *
 * The password rides in the fragment, as in web invites. A server named by a
 * link is NOT trusted because of the link: the window asks before using a
 * server that is not configured, and certificate pinning applies as always.
 */
import * as v from 'valibot';
import { MEETING_ID_PATTERN } from '@merimeet/signaling/protocol';
import { PROTOCOL_SCHEME } from '../common/app-info.js';
import { isServerUrl, MeetingPassword, type JoinLink } from '../common/ipc-contract.js';

export const MAX_DEEP_LINK_LENGTH = 2048;

export type DeepLinkParse = { ok: true; link: JoinLink } | { ok: false; reason: string };

const fail = (reason: string): DeepLinkParse => ({ ok: false, reason });

export function parseDeepLink(input: string): DeepLinkParse {
  if (typeof input !== 'string') return fail('not a string');
  if (input.length > MAX_DEEP_LINK_LENGTH) return fail('too long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/u.test(input)) {
    return fail('control, space or invisible characters');
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return fail('not a URL');
  }
  if (url.protocol !== `${PROTOCOL_SCHEME}:`) return fail('not a merimeet: link');
  if (url.username !== '' || url.password !== '' || url.port !== '') return fail('unexpected credentials or port');
  if (url.host !== 'join') return fail('unknown action');
  const segments = url.pathname.split('/');
  if (segments.length !== 2 || segments[0] !== '') return fail('expected merimeet://join/MEETING-ID');
  const meetingId = decodeURIComponentSafe(segments[1] ?? '')?.toLowerCase();
  if (meetingId === undefined || !MEETING_ID_PATTERN.test(meetingId)) return fail('not a meeting id');

  let server: string | null = null;
  const keys = [...url.searchParams.keys()];
  if (keys.some((k) => k !== 'server') || keys.length > 1) return fail('unexpected query parameters');
  const serverParam = url.searchParams.get('server');
  if (serverParam !== null) {
    if (!isServerUrl(serverParam)) return fail('server must be wss://host[:port]/path');
    server = serverParam;
  }

  let password: string | null = null;
  if (url.hash !== '' && url.hash !== '#') {
    const fragment = new URLSearchParams(url.hash.slice(1));
    const fragmentKeys = [...fragment.keys()];
    if (fragmentKeys.length !== 1 || fragmentKeys[0] !== 'p') return fail('unexpected fragment');
    const p = fragment.get('p') ?? '';
    if (!v.is(MeetingPassword, p)) return fail('not an acceptable password');
    password = p;
  }
  return { ok: true, link: { server, meetingId, password } };
}

function decodeURIComponentSafe(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * The invite link in a command line (a first launch, or `second-instance`'s
 * argv), if any: the first argument that starts with `merimeet:`. Chromium
 * switches and anything else are ignored; a link that does not parse gives
 * the reason.
 */
export function deepLinkFromArgv(argv: readonly string[]): DeepLinkParse | null {
  const candidate = argv.slice(1).find((arg) => arg.toLowerCase().startsWith(`${PROTOCOL_SCHEME}:`));
  return candidate === undefined ? null : parseDeepLink(candidate);
}
