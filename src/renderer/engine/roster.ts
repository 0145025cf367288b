/**
 * Who is in the call and what they show, as pure `CallState → CallState`
 * functions. The engine's parts decide *when* these apply; what they do to
 * the state is here, in one place, and unit-tested without a socket or a
 * peer connection. Each returns the same object when nothing changed, so the
 * store notifies nobody.
 */
import { MAX_FILE_BYTES } from './files/file-protocol.js';
import type { PeerInfo } from '@merimeet/signaling/protocol';
import type { CallState, ChatMessage, Participant } from './call-state.js';

/** Messages kept in memory (never persisted); older ones scroll away. */
export const MAX_CHAT_HISTORY = 500;
/** A level change smaller than this is not worth a new state (and a render). */
export const LEVEL_EPSILON = 0.02;

/** A participant's media and connection before anything is known of them (ours at a join, a peer's when announced). */
const NO_MEDIA_YET = {
  stream: null,
  screen: null,
  connection: 'connecting',
  quality: 'unknown',
  audioLevel: 0,
  stats: null,
  safetyCode: null,
  securityProblem: null,
  cantDecrypt: [],
} as const satisfies Partial<Participant>;

/** The state before any call (also what tests build their states from). */
export function initialState(): CallState {
  return {
    phase: 'idle',
    meetingId: null,
    error: null,
    endReason: null,
    local: { peerId: null, displayName: '', muted: false, videoOff: false, handRaised: false, handRaisedAt: null, isHost: false, ...NO_MEDIA_YET, verification: 'verified' },
    peers: [],
    hostId: null,
    locked: false,
    lobby: [],
    chat: [],
    unreadChat: 0,
    transfers: [],
    maxFileBytes: MAX_FILE_BYTES,
    activeSpeakerId: null,
    muteRequestedBy: null,
    offline: false,
    warning: null,
    lastDeparture: null,
    ownLevelNotice: 'none',
    recording: NOT_RECORDING,
  };
}

/** Nobody records, and only the host may. */
export const NOT_RECORDING: CallState['recording'] = { mine: { recording: false, everyoneMayRecord: false }, others: {} };

export function participantFrom(info: PeerInfo, hostId: string | null, now = Date.now()): Participant {
  return {
    peerId: info.peerId,
    displayName: info.displayName,
    muted: info.muted,
    videoOff: info.videoOff,
    handRaised: info.handRaised,
    handRaisedAt: info.handRaised ? now : null,
    isHost: info.peerId === hostId,
    ...NO_MEDIA_YET,
    verification: 'pending',
  };
}

/** The state a fresh join starts from. */
export function joining(opts: { meetingId: string; displayName: string; muted: boolean; videoOff: boolean; stream: MediaStream | null }): CallState {
  const fresh = initialState();
  return {
    ...fresh,
    phase: 'connecting',
    meetingId: opts.meetingId,
    local: { ...fresh.local, displayName: opts.displayName, muted: opts.muted, videoOff: opts.videoOff, stream: opts.stream },
  };
}

/** What remains once a call is over: the local person's settings, nobody else, nothing of the call's content. */
export function afterCall(st: CallState): CallState {
  return {
    ...st,
    peers: [],
    lobby: [],
    chat: [], // chat lives only as long as the call
    unreadChat: 0,
    transfers: [], // and so do transfers (received copies are discarded)
    activeSpeakerId: null,
    muteRequestedBy: null,
    offline: false,
    warning: null,
    lastDeparture: null,
    recording: NOT_RECORDING,
    local: { ...st.local, peerId: null, isHost: false, audioLevel: 0, screen: null },
  };
}

export function patchPeer(st: CallState, peerId: string, patch: Partial<Participant>): CallState {
  const i = st.peers.findIndex((p) => p.peerId === peerId);
  if (i < 0) return st;
  const peers = st.peers.slice();
  peers[i] = { ...peers[i]!, ...patch };
  return { ...st, peers };
}

/** A peer announced (new: appended; known: its presence updated, protocol §9.8). Ourselves: unchanged. */
export function withPeerInfo(st: CallState, info: PeerInfo, now = Date.now()): CallState {
  if (info.peerId === st.local.peerId) return st;
  const known = st.peers.find((p) => p.peerId === info.peerId);
  if (!known) return { ...st, peers: [...st.peers, participantFrom(info, st.hostId, now)] };
  const { displayName, muted, videoOff, handRaised } = info;
  return patchPeer(st, info.peerId, { displayName, muted, videoOff, handRaised, handRaisedAt: raisedAt(known, handRaised, now) });
}

/** A hand that goes up joins the end of the queue; one that stays up keeps its place. */
export function raisedAt(before: Pick<Participant, 'handRaised' | 'handRaisedAt'>, handRaised: boolean, now: number): number | null {
  if (!handRaised) return null;
  return before.handRaised && before.handRaisedAt !== null ? before.handRaisedAt : now;
}

export function withoutPeer(st: CallState, peerId: string): CallState {
  if (!st.peers.some((p) => p.peerId === peerId)) return st;
  // Whoever leaves stops recording what they see here.
  const { [peerId]: _gone, ...others } = st.recording.others;
  return {
    ...st,
    peers: st.peers.filter((p) => p.peerId !== peerId),
    activeSpeakerId: st.activeSpeakerId === peerId ? null : st.activeSpeakerId,
    recording: { ...st.recording, others },
  };
}

/** Someone left for good: their tile goes, and `lastDeparture` says so. */
export function withDeparture(st: CallState, peerId: string, reason: 'left' | 'timeout' | 'removed', at: number): CallState {
  const who = st.peers.find((p) => p.peerId === peerId);
  if (!who) return st;
  return { ...withoutPeer(st, peerId), lastDeparture: { peerId, displayName: who.displayName, reason, at } };
}

/** The host changed: every `isHost` follows, and only the host keeps the lobby. */
export function withHost(st: CallState, hostId: string | null): CallState {
  const isHost = hostId !== null && hostId === st.local.peerId;
  return {
    ...st,
    hostId,
    lobby: isHost ? st.lobby : [],
    local: st.local.isHost === isHost ? st.local : { ...st.local, isHost },
    peers: st.peers.map((p) => (p.isHost === (p.peerId === hostId) ? p : { ...p, isHost: p.peerId === hostId })),
  };
}

export function withChat(st: CallState, msg: ChatMessage): CallState {
  return {
    ...st,
    chat: [...st.chat, msg].slice(-MAX_CHAT_HISTORY),
    unreadChat: msg.mine ? st.unreadChat : st.unreadChat + 1,
  };
}

/** Per-peer patches at once (stats, quality, safety codes): one new state, not one per peer. */
export function withPeerPatches(st: CallState, patches: ReadonlyMap<string, Partial<Participant>>): CallState {
  if (patches.size === 0) return st;
  return { ...st, peers: st.peers.map((p) => (patches.has(p.peerId) ? { ...p, ...patches.get(p.peerId) } : p)) };
}

/**
 * New audio levels (by peer id, ours included) and the active speaker. Only
 * levels that moved by LEVEL_EPSILON make new objects, so a tile whose level
 * did not change keeps its participant object (and a memoised tile does not
 * re-render).
 */
export function withLevels(st: CallState, levels: ReadonlyMap<string, number>, speakerId: string | null): CallState {
  const moved = (level: number | undefined, was: number) => level !== undefined && Math.abs(level - was) >= LEVEL_EPSILON;
  const me = st.local.peerId;
  const localLevel = me === null ? undefined : levels.get(me);
  const localMoved = moved(localLevel, st.local.audioLevel);
  const peersMoved = st.peers.some((p) => moved(levels.get(p.peerId), p.audioLevel));
  if (!localMoved && !peersMoved && speakerId === st.activeSpeakerId) return st;
  return {
    ...st,
    activeSpeakerId: speakerId,
    local: localMoved ? { ...st.local, audioLevel: localLevel! } : st.local,
    peers: peersMoved ? st.peers.map((p) => (moved(levels.get(p.peerId), p.audioLevel) ? { ...p, audioLevel: levels.get(p.peerId)! } : p)) : st.peers,
  };
}

/** A fresh admission under a new peer id, or a rejoin: nobody from before is known any more. */
export function withoutEveryone(st: CallState): CallState {
  return { ...st, peers: [], lobby: [], activeSpeakerId: null, hostId: null, local: { ...st.local, peerId: null, isHost: false } };
}
