/**
 * Every slice of the CallState the meeting screen shows, in one place (the
 * selectors model of Signal Desktop): a component subscribes to the slice it
 * renders with useCallSelector (hooks.ts) and the selector's equality, so an
 * engine publication that changes nothing it shows (the audio meter every
 * 250 ms, stats every 2 s) does not re-render it.
 *
 * Selectors are pure functions of the state. Those that build a new object or
 * array come with the equality that tells "the same for the screen".
 */
import type { CallPhase, CallState, Participant } from '../../engine/call-state.js';
import { errorText, reconnectingTo } from '../messages.js';
import { presenters, sharingText } from '../share-text.js';

// ---- equality

/** Same keys with Object.is-equal values (one level deep). */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Arrays of the same length whose items are equal by `item`. */
export function arrayEqual<T>(item: (a: T, b: T) => boolean = Object.is): (a: readonly T[], b: readonly T[]) => boolean {
  return (a, b) => a === b || (a.length === b.length && a.every((x, i) => item(x, b[i]!)));
}

export const shallowArrayEqual = arrayEqual(shallowEqual);

// ---- who this client is

/** One definition of "this client is the host": the engine's (CallState.local.isHost). */
export const selectIsHost = (s: CallState): boolean => s.local.isHost;

export const selectPhase = (s: CallState): CallPhase => s.phase;

/** In the call proper (not connecting, not in the lobby): what host controls and sharing need. */
export const selectInCall = (s: CallState): boolean => s.phase === 'in-call' || s.phase === 'reconnecting';

/** What the toolbar shows of this client. */
export interface LocalControls {
  muted: boolean;
  videoOff: boolean;
  handRaised: boolean;
  sharing: boolean;
}
export const selectLocalControls = (s: CallState): LocalControls => ({
  muted: s.local.muted,
  videoOff: s.local.videoOff,
  handRaised: s.local.handRaised,
  sharing: s.local.screen !== null,
});

/** The camera track the call sends, or null (camera lost / retry). */
export const selectLocalVideoTrack = (s: CallState): MediaStreamTrack | null => s.local.stream?.getVideoTracks()[0] ?? null;

/** How the call ended, for the screen that follows. */
export const selectEnd = (s: CallState): Pick<CallState, 'phase' | 'endReason'> => ({ phase: s.phase, endReason: s.endReason });

/** The sentence of a failed join, or null while the join has not failed. */
export const selectJoinError = (s: CallState): string | null =>
  s.phase === 'failed' ? (errorText(s.error) ?? 'Could not join the meeting.') : null;

// ---- status and banners

const STATUS: Partial<Record<CallPhase, string>> = {
  idle: 'Connecting…',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  lobby: 'Waiting for the host to let you in…',
};

/** The polite status line (docs/ui-contract.md, "Meeting"). */
export const selectStatus = (s: CallState): string => STATUS[s.phase] ?? reconnectingTo(s);

export const selectOffline = (s: CallState): boolean => s.offline;

export const selectWarning = (s: CallState): CallState['warning'] => s.warning;
export const selectOwnLevelNotice = (s: CallState): boolean => s.ownLevelNotice === 'shown';

export const selectLastDeparture = (s: CallState): CallState['lastDeparture'] => s.lastDeparture;

/** Who asked this client to mute, by name ("The host" when they already left), or null. */
export const selectMuteRequester = (s: CallState): string | null =>
  s.muteRequestedBy === null ? null : (s.peers.find((p) => p.peerId === s.muteRequestedBy)?.displayName ?? 'The host');

/** "You are sharing your screen." / "NAME is sharing their screen." (share-text.ts). */
export const selectShareStatus = (s: CallState): string => sharingText(s.local.screen !== null, presenters(s));

/** People whose connection details were refused, for the security notices. */
export type SecurityView = Pick<Participant, 'peerId' | 'displayName' | 'verification' | 'securityProblem'>;
export const selectSecurityProblems = (s: CallState): SecurityView[] =>
  s.peers
    .filter((p) => p.securityProblem !== null)
    .map((p) => ({ peerId: p.peerId, displayName: p.displayName, verification: p.verification, securityProblem: p.securityProblem }));

// ---- lobby, chat, files

/** Who waits in the lobby; only the host sees anyone (the engine fills it for the host only). */
export const selectLobby = (s: CallState): CallState['lobby'] => (s.local.isHost ? s.lobby : NO_ONE);
const NO_ONE: CallState['lobby'] = [];

export const selectLocked = (s: CallState): boolean => s.locked;

export const selectChat = (s: CallState): CallState['chat'] => s.chat;

export const selectUnread = (s: CallState): number => s.unreadChat;

export const selectTransfers = (s: CallState): CallState['transfers'] => s.transfers;

/** Transfers waiting for this person to accept or decline (the banner while the chat is closed). */
export const selectOfferedTransfers = (s: CallState): CallState['transfers'] => s.transfers.filter((t) => t.state === 'offered');

/** Who a file can go to, in meeting order. */
export type Recipient = Pick<Participant, 'peerId' | 'displayName'>;
export const selectRecipients = (s: CallState): Recipient[] => s.peers.map((p) => ({ peerId: p.peerId, displayName: p.displayName }));

// ---- the participants panel

/** One row of the participants panel. */
export type RosterRow = Pick<Participant, 'peerId' | 'displayName' | 'muted' | 'handRaised' | 'isHost' | 'verification' | 'safetyCode'> & {
  /** 1 for the hand that went up first, and so on; null while the hand is down. */
  handPlace: number | null;
  /** This client. */
  you: boolean;
};
type Person = Pick<Participant, 'peerId' | 'displayName' | 'muted' | 'handRaised' | 'handRaisedAt' | 'isHost' | 'verification' | 'safetyCode'>;
const row = (p: Person, you: boolean, handPlace: number | null): RosterRow => ({
  peerId: p.peerId,
  displayName: p.displayName,
  muted: p.muted,
  handRaised: p.handRaised,
  isHost: p.isHost,
  verification: p.verification,
  safetyCode: p.safetyCode,
  handPlace,
  you,
});
/**
 * Raised hands first, in the order they went up (the queue a host takes
 * questions from), then this client (peerId '' before admission), then
 * everyone else in the order they joined.
 */
export const selectRoster = (s: CallState): RosterRow[] => {
  const everyone: Person[] = [{ ...s.local, peerId: s.local.peerId ?? '' }, ...s.peers];
  const hands = everyone
    .filter((p) => p.handRaised)
    .sort((a, b) => (a.handRaisedAt ?? Infinity) - (b.handRaisedAt ?? Infinity)); // stable: ties keep the roster's order
  const place = new Map(hands.map((p, i) => [p, i + 1]));
  const ordered = [...hands, ...everyone.filter((p) => !p.handRaised)];
  return ordered.map((p) => row(p, p === everyone[0], place.get(p) ?? null));
};

// ---- the video grid and its tiles

/** What the grid lays out: who has a tile (besides this client), and whose share takes the stage. */
export interface GridView {
  peerIds: string[];
  /** The first presenter in meeting order, or null. */
  presenterId: string | null;
}
export const selectGrid = (s: CallState): GridView => ({ peerIds: s.peers.map((p) => p.peerId), presenterId: presenters(s)[0]?.peerId ?? null });
/** Who of the others is speaking now (the speaker view's stage); null while nobody is, or only this person. */
export const selectRemoteSpeaker = (s: CallState): string | null =>
  s.activeSpeakerId !== null && s.activeSpeakerId !== s.local.peerId && s.peers.some((p) => p.peerId === s.activeSpeakerId) ? s.activeSpeakerId : null;
export const gridEqual = (a: GridView, b: GridView): boolean => a.presenterId === b.presenterId && arrayEqual<string>()(a.peerIds, b.peerIds);

/** The participant a tile shows: `null` is this client; a peer id that left gives undefined. */
export function selectParticipant(s: CallState, peerId: string | null): Participant | undefined {
  if (peerId === null) return { ...s.local, peerId: s.local.peerId ?? '' };
  return s.peers.find((p) => p.peerId === peerId);
}

/**
 * What one tile shows, and nothing else: its audio level and the stats it
 * does not display are left out, so a tick that moves only those does not
 * re-render it. `speaking` is the active-speaker ring.
 */
export interface TileView {
  peerId: string;
  displayName: string;
  muted: boolean;
  videoOff: boolean;
  handRaised: boolean;
  isHost: boolean;
  stream: MediaStream | null;
  /** Not turned off, and a live camera track to show (else the initials). */
  hasVideo: boolean;
  connection: Participant['connection'];
  quality: Participant['quality'];
  verification: Participant['verification'];
  relayed: boolean;
  speaking: boolean;
  /** Kinds of their media that arrive but do not open (SFU meetings). */
  cantDecrypt: Participant['cantDecrypt'];
}
export function selectTile(s: CallState, peerId: string | null): TileView | null {
  const p = selectParticipant(s, peerId);
  if (!p) return null;
  const speaking = s.activeSpeakerId !== null && s.activeSpeakerId === (peerId === null ? s.local.peerId : peerId);
  return {
    peerId: p.peerId,
    displayName: p.displayName,
    muted: p.muted,
    videoOff: p.videoOff,
    handRaised: p.handRaised,
    isHost: p.isHost,
    stream: p.stream,
    hasVideo: !p.videoOff && (p.stream?.getVideoTracks().some((t) => t.readyState === 'live') ?? false),
    connection: p.connection,
    quality: p.quality,
    verification: p.verification,
    relayed: p.stats?.relayed ?? false,
    speaking,
    cantDecrypt: p.cantDecrypt,
  };
}

/** A presenter's share, for the stage. */
export type ShareView = Pick<Participant, 'peerId' | 'displayName' | 'screen'>;
export function selectShare(s: CallState, peerId: string): ShareView | null {
  const p = s.peers.find((x) => x.peerId === peerId);
  return p ? { peerId: p.peerId, displayName: p.displayName, screen: p.screen } : null;
}
