/**
 * Every sentence people see for errors, warnings and endings: the one place
 * that turns the engine's codes (CallError) into words. The texts are part of
 * the UI contract (docs/ui-contract.md): the end-to-end tests find them.
 */
import type { CallError, CallState, EndReason } from '../engine/call-state.js';
import { MAX_RELAYED_FILE_BYTES } from '../engine/files/file-protocol.js';
import { formatBytes } from './meeting/file-text.js';

const SERVER_LOST = 'The connection to the meeting server was lost. Please try again.';
const ENDED = 'This meeting has ended.';

export const ERROR_TEXT: Readonly<Record<string, string>> = {
  // Joining
  wrong_key: 'Wrong meeting ID or password.',
  not_found: 'Wrong meeting ID or password.',
  meeting_full: 'This meeting is full.',
  meeting_locked: 'The host has locked this meeting.',
  meeting_ended: ENDED,
  rate_limited: 'Too many attempts. Wait a moment, then try again.',
  already_joined: 'You are already in this meeting in this window.',
  bad_message: 'This app and the meeting server do not understand each other. Please update the app.',
  internal: 'Something went wrong joining the meeting. Please try again.',
  // The connection to the server
  unreachable: 'Could not reach the meeting server. Check your connection and try again.',
  timeout: 'The meeting server did not answer. Please try again.',
  disconnected: SERVER_LOST,
  not_connected: SERVER_LOST,
  replaced: 'You joined this meeting from another window or device.',
  // Endings
  ended: ENDED,
  denied: 'The host did not let you in.',
  removed: 'The host removed you from the meeting.',
  // Warnings during a call (CallState.warning): the call goes on.
  turn_auth:
    'The relay server (TURN) refused our credentials: they are wrong or expired. Connections that need the relay cannot be made; the meeting server’s TURN settings need checking.',
  no_relay: 'You chose to connect through the relay only, but this meeting server offers no relay (TURN) server, so nobody can connect to you.',
  session_expired: 'Your sign-in has expired, so the meeting server no longer knows you own this meeting: you may lose the host role. Sign in again from the home screen.',
  host_refused: 'The meeting server refused that host action: it did not happen. You may no longer be the host.',
  // Local devices
  camera_lost: 'Your camera stopped working.',
  noise_suppression_failed: 'Noise suppression could not start on this device, so the others hear your microphone without it.',
  // Large meetings (through the media server)
  sfu_unavailable: 'This meeting has grown past what a direct call carries, and its media server cannot be reached. Try again in a moment.',
  sfu_screen_stop_failed: 'The media server did not take the end of your screen share: the others may still see its last picture. Your camera and microphone still work.',
  sfu_screen_failed: 'Your screen could not be shared through this meeting’s media server, so nobody sees it. Your camera and microphone still work. Try sharing again.',
};

/** On a tile whose frames arrive but do not open (SFU meetings): never a silent black square. */
export function cantDecryptText(name: string, kinds: readonly ('audio' | 'video')[]): string | null {
  if (kinds.length === 0) return null;
  const what = kinds.length === 2 ? 'video and audio' : kinds[0] === 'video' ? 'video' : 'audio';
  return `Can’t decrypt ${name}’s ${what}`;
}

export const CAMERA_LOST = ERROR_TEXT['camera_lost']!;
const FALLBACK = 'Something went wrong. Please try again.';

/** The sentence for an error or warning from the engine (null for none). */
export function errorText(error: CallError | null | undefined): string | null {
  if (!error) return null;
  const seconds = error.retryAfterMs !== undefined && error.retryAfterMs > 0 ? Math.ceil(error.retryAfterMs / 1000) : null;
  switch (error.code) {
    case 'rate_limited':
      if (seconds !== null) return `Too many attempts. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`;
      break;
    case 'screen_not_sent':
      return `Your screen could not be shared with ${error.peerName ?? 'someone in the meeting'}; the others see it.`;
    case 'recording_forged':
      return `meriMeet refused a recording notice in ${error.peerName ?? 'someone'}’s name that failed its end-to-end check (possibly made up by the server). What ${error.peerName ?? 'they'} really said shows above.`;
    case 'recording_withheld':
      return `The meeting server did not pass on ${error.peerName ?? 'someone'}’s recording notice; meriMeet got it straight from ${error.peerName ?? 'them'} instead, and shows it above.`;
  }
  return ERROR_TEXT[error.code] ?? FALLBACK;
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
/** Shown once where the browser reports no level for our own microphone (Firefox 153). */
export const OWN_LEVEL_UNAVAILABLE =
  'This browser does not report your microphone’s level, so your own tile does not light up when you speak. The others still see when you are speaking.';

export const OFFLINE = 'You are offline: the meeting server cannot be reached. meriMeet keeps trying.';

/** "Reconnecting to Ada…" while the media path to someone is being repaired (ICE restart); '' otherwise. */
export function reconnectingTo(state: Pick<CallState, 'peers'>): string {
  const names = state.peers.filter((p) => p.connection === 'reconnecting').map((p) => p.displayName);
  if (names.length === 0) return '';
  if (names.length === 1) return `Reconnecting to ${names[0]}…`;
  if (names.length === 2) return `Reconnecting to ${names[0]} and ${names[1]}…`;
  return `Reconnecting to ${names.slice(0, -1).join(', ')} and ${names.at(-1)}…`;
}

/** Answers of the account server, in words (home's account panel, and a new meeting from the tray). */
const ACCOUNT_ERRORS: Record<string, string> = {
  bad_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken. Pick another one.',
  weak_password: 'Pick a longer password: at least 8 characters.',
  bad_message: 'Usernames are 3 to 32 of a-z, 0-9, dot, dash or underscore; passwords at least 8 characters.',
  rate_limited: 'Too many attempts. Wait a moment, then try again.',
  session_expired: 'Your session has expired. Log in again.',
};

/** What went wrong signing in, registering or creating a meeting, in words. */
export function accountError(err: unknown): string {
  const code = (err as { code?: string }).code;
  return (code !== undefined && ACCOUNT_ERRORS[code]) || 'The server could not be reached. Try again.';
}

/** A new meeting asked for from the tray or the quick-join window. */
export const NEW_MEETING_STARTING = 'Starting a new meeting…';
export const NEW_MEETING_SIGN_IN = 'Sign in to start a meeting: meetings are hosted from an account.';

/** Local recording (ui/recording/, docs/ui-contract.md "Recording"). */
export const RECORDING = {
  record: 'Record',
  stop: 'Stop recording',
  recordHint: 'Record what you see and hear, on this device; everyone is told',
  stopHint: 'Stop recording and save the file',
  tag: 'recording',
  letEveryone: 'Let everyone record',
  letEveryoneHint: 'Off: only you, the host, can record',
  /** The file's name, from when recording started. */
  fileName: (at: Date) => `meriMeet recording ${at.toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '-')}.webm`,
  errors: {
    not_allowed_to_record: 'Only the host can record this meeting, unless the host lets everyone record.',
    not_in_meeting: 'You can record once you are in the meeting.',
    not_host: 'Only the host can change who may record.',
    recorder_unsupported: 'This browser cannot record the meeting.',
    recorder_failed: 'Recording failed on this device; nothing was saved.',
  } as Readonly<Record<string, string>>,
};

/** Why a file could not be offered (FileRefused in call-engine.ts), said before anything is sent. */
const FILE_REFUSED: Readonly<Record<string, string>> = {
  nobody_to_send_to: 'There is nobody in the meeting to send a file to yet.',
  file_too_large_for_large_meeting: `In a meeting this large, files go through the meeting server, so each can be at most ${formatBytes(MAX_RELAYED_FILE_BYTES)}. Nothing was sent.`,
};

export function fileRefusedText(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && FILE_REFUSED[code]) || FILE_REFUSED['nobody_to_send_to']!;
}

/** "Recording: Ada is recording this meeting." for the indicator everyone sees; '' when nobody records. */
export function recordingText(names: string[], youRecord: boolean): string {
  const who = [...(youRecord ? ['you'] : []), ...names];
  if (who.length === 0) return '';
  const list = who.length === 1 ? who[0]! : `${who.slice(0, -1).join(', ')} and ${who.at(-1)!}`;
  const verb = who.length === 1 && !youRecord ? 'is' : 'are';
  return `Recording: ${list.charAt(0).toUpperCase()}${list.slice(1)} ${verb} recording this meeting.`;
}

/** A raised hand's tag in the participants list, with its place in the queue ("hand raised (2nd)"). */
export function handText(place: number | null): string {
  if (place === null) return 'hand raised';
  const teen = place % 100 >= 11 && place % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][place % 10] ?? 'th');
  return `hand raised (${place}${suffix})`;
}
