/**
 * The call engine: implements the CallEngine contract (call-state.ts) on top
 * of the signaling client (signaling-client.ts) and one PeerLink per remote
 * participant (peer-link.ts). It owns the CallState and publishes every
 * change as a new immutable snapshot.
 *
 * Both its collaborators are injected (createSignaling, createLink) so the
 * handling of server messages can be unit-tested with fakes.
 *
 * Principles:
 * - Media is peer to peer: losing the signaling socket touches no link. The
 *   phase shows 'reconnecting', signals produced meanwhile (an ICE restart's
 *   offer) wait in an outbox, and once the socket is back the engine
 *   resumes its place (room.resume) and flushes them. If the place is gone
 *   (resume_failed), it joins again with the same keys, as a new peer.
 * - Every join gets its own Session object; async work from an earlier
 *   session checks `s.ended` and does nothing once it is over.
 * - The caller owns the MediaStream: the engine toggles `enabled` for mute
 *   and camera-off (as the contract says) but never stops a track.
 */
import type { IceServer, PeerInfo, ServerMessage } from '@merimeet/signaling/protocol';
import type { CallEngine, CallState, ChatMessage, JoinOptions, Participant } from './call-state.js';
import { videoEncodingFor } from './bitrate-policy.js';
import { createChatChannel, type ChatChannel } from './chat-channel.js';
import { deriveChatKey } from './chat-crypto.js';
import { deriveFileKey } from './files/file-crypto.js';
import { createFileTransfers, type FileSink, type FileTransfers } from './files/file-transfers.js';
import { createOpfsSink } from './files/opfs-sink.js';
import { RETRY_REFRESH_MS, credentialRefreshDelay, hasTurnCredentials } from './ice-refresh.js';
import { callError } from './messages.js';
import type { SignalPayload } from './negotiation.js';
import { createPeerLink, type PeerLink, type PeerLinkOptions } from './mesh/peer-link.js';
import { prepareScreenStream, screenEncodingFor } from './screen-share.js';
import { certificatesOf, safetyCode } from './safety-code.js';
import { deriveSdpMacKey } from './sdp-mac.js';
import { SignalingClient, SignalingError, type OutgoingMessage, type SignalingConnection } from './signaling-client.js';
import {
  INITIAL_SPEAKER_STATE,
  LEVEL_INTERVAL_MS,
  STATS_INTERVAL_MS,
  computePeerStats,
  nextSpeaker,
  rateQuality,
  recordsOf,
  smoothLevel,
  type SpeakerState,
  type StatsSnapshot,
} from './stats.js';
import { createStore } from './store.js';
import { INITIAL_TURN_AUTH_RETRY, onTurnRefused, onTurnRetryDone, type TurnAuthRetry } from './turn-auth-retry.js';

export interface CallEngineDeps {
  /** Defaults to a reconnecting SignalingClient over the browser's WebSocket. */
  createSignaling?: (url: string) => SignalingConnection;
  /** Defaults to createPeerLink (a real RTCPeerConnection). */
  createLink?: (options: PeerLinkOptions) => PeerLink;
  statsIntervalMs?: number;
  /** How often audio levels are sampled for meters and the active speaker. */
  levelIntervalMs?: number;
  /** Where received files go while they arrive; defaults to the origin private file system. */
  createFileSink?: (name: string, size: number) => Promise<FileSink>;
}

/** Messages kept in memory (never persisted); older ones scroll away. */
const MAX_CHAT_HISTORY = 500;
/** Signals kept while the socket is down; more than this means negotiations are stale anyway. */
const MAX_OUTBOX = 500;
/** Signals from a peer we do not know yet (kept until its peerJoined). */
const MAX_EARLY_SIGNALS = 64;
const LEAVE_TIMEOUT_MS = 3_000;
/** Reconnecting this long means the network (or the server) is really gone: tell the user. */
export const OFFLINE_NOTICE_MS = 8_000;

interface Session {
  opts: JoinOptions;
  signaling: SignalingConnection;
  offs: (() => void)[];
  links: Map<string, PeerLink>;
  sdpMacKey: CryptoKey;
  chat: ChatChannel;
  files: FileTransfers;
  resumeToken: string | null;
  iceServers: RTCIceServer[];
  /** Lifetime of the TURN credentials in iceServers (from the server; undefined from older ones). */
  iceTtlMs: number | undefined;
  iceRefreshTimer: ReturnType<typeof setTimeout> | null;
  /** The server does not know ice.refresh (an older v1 server): new credentials only come with a resume. */
  iceRefreshUnsupported: boolean;
  /** Where we are in retrying after the relay refused our credentials (turn-auth-retry.ts). */
  turnAuth: TurnAuthRetry;
  turnAuthTimer: ReturnType<typeof setTimeout> | null;
  /** Links whose ICE gathering the relay refused since the last attempt: restarted with the fresh credentials. */
  turnRefusedLinks: Set<string>;
  offlineTimer: ReturnType<typeof setTimeout> | null;
  graceMs: number;
  outbox: { to: string; data: SignalPayload }[];
  early: Map<string, unknown[]>;
  statsPrev: Map<string, StatsSnapshot>;
  levels: Map<string, number>;
  speaker: SpeakerState;
  /** Tracks swapped in with replaceTrack, by kind: new links must send these, not the stream's. */
  replaced: Map<string, MediaStreamTrack>;
  /** The screen we share (new links send it too), and how to forget it when its track ends. */
  screen: { stream: MediaStream; off: () => void } | null;
  timers: ReturnType<typeof setInterval>[];
  staleTimer: ReturnType<typeof setTimeout> | null;
  /** The presence the server has from our last room.join (JSON of presenceSnapshot()). */
  joinedWith: string | null;
  /** A level poll is running (getStats is async; never two at once). */
  pollingLevels: boolean;
  /** After a resume: peers we knew that the server has not re-announced yet. */
  unconfirmed: Set<string>;
  ended: boolean;
}

/** The state before any call (also what tests build their states from). */
export function initialState(): CallState {
  return {
    phase: 'idle',
    meetingId: null,
    error: null,
    endReason: null,
    local: {
      peerId: null,
      displayName: '',
      muted: false,
      videoOff: false,
      handRaised: false,
      isHost: false,
      stream: null,
      screen: null,
      connection: 'connecting',
      quality: 'unknown',
      audioLevel: 0,
      stats: null,
      verification: 'verified',
      safetyCode: null,
      securityProblem: null,
    },
    peers: [],
    hostId: null,
    locked: false,
    lobby: [],
    chat: [],
    unreadChat: 0,
    transfers: [],
    activeSpeakerId: null,
    muteRequestedBy: null,
    offline: false,
    warning: null,
    lastDeparture: null,
  };
}

function participantFrom(info: PeerInfo, hostId: string | null): Participant {
  return {
    peerId: info.peerId,
    displayName: info.displayName,
    muted: info.muted,
    videoOff: info.videoOff,
    handRaised: info.handRaised,
    isHost: info.peerId === hostId,
    stream: null,
    screen: null,
    connection: 'connecting',
    quality: 'unknown',
    audioLevel: 0,
    stats: null,
    verification: 'pending',
    safetyCode: null,
    securityProblem: null,
  };
}

const toRtcIceServers = (servers: IceServer[]): RTCIceServer[] =>
  servers.map((s) => ({ urls: s.urls, ...(s.username !== undefined ? { username: s.username } : {}), ...(s.credential !== undefined ? { credential: s.credential } : {}) }));

function setTracksEnabled(stream: MediaStream | null, kind: 'audio' | 'video', enabled: boolean): void {
  if (!stream) return;
  for (const t of kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks()) t.enabled = enabled;
}

/**
 * The caller's stream with `track` in place of its other tracks of that kind
 * (changed in place, so the caller still holds every track it must stop), or
 * a new stream when the call started with none.
 */
export function streamWithTrack(stream: MediaStream | null, track: MediaStreamTrack): MediaStream {
  if (!stream) return new MediaStream([track]);
  for (const t of stream.getTracks()) if (t.kind === track.kind && t !== track) stream.removeTrack(t);
  if (!stream.getTracks().includes(track)) stream.addTrack(track);
  return stream;
}

export function createCallEngine(deps: CallEngineDeps = {}): CallEngine {
  const createSignaling = deps.createSignaling ?? ((url: string) => new SignalingClient({ url }));
  const createLink = deps.createLink ?? createPeerLink;
  const statsIntervalMs = deps.statsIntervalMs ?? STATS_INTERVAL_MS;
  const levelIntervalMs = deps.levelIntervalMs ?? LEVEL_INTERVAL_MS;
  const createFileSink = deps.createFileSink ?? (() => createOpfsSink());

  const store = createStore<CallState>(initialState());
  let session: Session | null = null;
  /** A connection opened by preconnect(), waiting for join(). */
  let warm: { url: string; signaling: SignalingConnection; ready: Promise<void> } | null = null;

  function closeWarm(): void {
    warm?.signaling.close();
    warm = null;
  }

  /** The preconnected socket if it is for this server and still usable; else null (and it is closed). */
  function takeWarm(serverUrl: string): { signaling: SignalingConnection; ready: Promise<void> } | null {
    const w = warm;
    warm = null;
    if (w && w.url === serverUrl && (w.signaling.state === 'open' || w.signaling.state === 'connecting')) return w;
    w?.signaling.close();
    return null;
  }

  const update = (fn: (s: CallState) => CallState) => store.update(fn);
  const current = (s: Session) => session === s && !s.ended;

  const updatePeer = (peerId: string, patch: Partial<Participant>) =>
    update((st) => {
      const i = st.peers.findIndex((p) => p.peerId === peerId);
      if (i < 0) return st;
      const peers = st.peers.slice();
      peers[i] = { ...peers[i]!, ...patch };
      return { ...st, peers };
    });

  // ---- Teardown ----

  function teardown(s: Session): void {
    if (s.ended) return;
    s.ended = true;
    dropScreen(s);
    for (const t of s.timers) clearInterval(t);
    if (s.staleTimer) clearTimeout(s.staleTimer);
    if (s.iceRefreshTimer) clearTimeout(s.iceRefreshTimer);
    if (s.turnAuthTimer) clearTimeout(s.turnAuthTimer);
    if (s.offlineTimer) clearTimeout(s.offlineTimer);
    for (const off of s.offs) off();
    s.files?.close();
    for (const link of s.links.values()) link.close();
    s.links.clear();
    s.signaling.close();
  }

  const afterCall = (st: CallState): CallState => ({
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
    local: { ...st.local, peerId: null, isHost: false, audioLevel: 0, screen: null },
  });

  /** Stops our share's capture and forgets it; the links are left as they are (the caller updates or closes them). */
  function dropScreen(s: Session): MediaStream | null {
    const shared = s.screen;
    if (!shared) return null;
    s.screen = null;
    shared.off();
    for (const t of shared.stream.getTracks()) t.stop();
    return shared.stream;
  }

  function stopSharing(s: Session): void {
    if (!dropScreen(s)) return;
    const encoding = screenEncodingFor(store.get().peers.length + 1);
    for (const link of s.links.values()) void link.setScreen(null, encoding).catch(() => {});
    update((st) => ({ ...st, local: { ...st.local, screen: null } }));
  }

  function fail(s: Session, code: string, retryAfterMs?: number): void {
    if (!current(s)) return;
    teardown(s);
    update((st) => ({ ...afterCall(st), phase: 'failed', error: callError(code, retryAfterMs) }));
  }

  function end(s: Session, reason: CallState['endReason'] & string): void {
    if (!current(s)) return;
    teardown(s);
    update((st) => ({ ...afterCall(st), phase: 'ended', endReason: reason, error: null }));
  }

  // ---- Signals ----

  function sendSignal(s: Session, to: string, data: SignalPayload): void {
    if (s.ended) return;
    if (s.signaling.state === 'open' && s.signaling.send({ type: 'signal', to, data })) return;
    // Socket down: keep it for after the resume (the link's negotiation is waiting on it).
    s.outbox.push({ to, data });
    if (s.outbox.length > MAX_OUTBOX) s.outbox.shift();
  }

  function flushOutbox(s: Session): void {
    const queued = s.outbox.splice(0);
    for (const { to, data } of queued) if (s.links.has(to)) sendSignal(s, to, data);
  }

  // ---- Links ----

  function ensureLink(s: Session, peerId: string): void {
    const me = store.get().local.peerId;
    if (s.links.has(peerId) || me === null || peerId === me) return;
    const link = createLink({
      meetingId: s.opts.meetingId,
      localId: me,
      remoteId: peerId,
      iceServers: s.iceServers,
      ...(s.opts.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
      stream: s.opts.stream,
      sdpMacKey: s.sdpMacKey,
      sendSignal: (data) => sendSignal(s, peerId, data),
      events: {
        onRemoteStream: (stream) => {
          if (current(s)) updatePeer(peerId, { stream });
        },
        onRemoteScreen: (screen) => {
          if (current(s)) updatePeer(peerId, { screen });
        },
        onStateChange: (connection) => {
          // Connected means DTLS finished with the fingerprints of a MAC-verified description.
          if (current(s)) updatePeer(peerId, connection === 'connected' ? { connection, verification: 'verified' } : { connection });
        },
        onFileFrame: (frame) => {
          if (current(s)) void s.files.receive(peerId, frame);
        },
        onChatFrame: (frame) => {
          void s.chat.receive(peerId, frame).then((msg) => {
            if (msg && current(s) && s.links.has(peerId)) appendChat(msg);
          });
        },
        onSecurityError: ({ kind, verified }) => {
          if (!current(s)) return;
          console.warn(`meriMeet: refused a ${kind} signal in the name of ${peerId}`);
          const problem = { kind, at: Date.now() };
          // Before any verified connection, refusing it means no media from this peer: say so.
          updatePeer(peerId, verified ? { securityProblem: problem } : { securityProblem: problem, verification: 'failed', connection: 'failed' });
        },
        onRemoteRestart: (hello) => {
          if (!current(s)) return;
          // Their new link cannot talk to our old one: start afresh, then give the new one their hello.
          closeLink(s, peerId);
          updatePeer(peerId, { stream: null, screen: null, connection: 'connecting', verification: 'pending', safetyCode: null });
          ensureLink(s, peerId);
          void s.links.get(peerId)?.handleSignal(hello);
        },
        onIceServerError: (errorCode) => {
          // 401: the relay refused the credentials (expired, or a wrong secret). Other codes
          // (701: unreachable) come and go while a relay restarts; the watchdog handles those.
          if (current(s) && errorCode === 401) turnRefused(s, peerId);
        },
      },
    });
    s.links.set(peerId, link);
    for (const track of s.replaced.values()) void link.replaceTrack(track).catch(() => {});
    if (s.screen) void link.setScreen(s.screen.stream, screenEncodingFor(store.get().peers.length + 1)).catch(() => {});
    const early = s.early.get(peerId);
    s.early.delete(peerId);
    for (const data of early ?? []) void link.handleSignal(data);
  }

  function closeLink(s: Session, peerId: string): void {
    const link = s.links.get(peerId);
    s.links.delete(peerId);
    s.turnRefusedLinks.delete(peerId);
    s.statsPrev.delete(peerId);
    s.levels.delete(peerId);
    s.early.delete(peerId);
    link?.close();
  }

  function applyBitratePolicy(s: Session): void {
    const st = store.get();
    const video = s.replaced.get('video') ?? s.opts.stream?.getVideoTracks()[0];
    const height = video?.getSettings?.().height;
    const policy = videoEncodingFor(st.peers.length + 1, height);
    for (const link of s.links.values()) void link.setVideoPolicy(policy).catch(() => {});
    if (s.screen) {
      const screen = screenEncodingFor(st.peers.length + 1);
      for (const link of s.links.values()) void link.setScreen(s.screen.stream, screen).catch(() => {});
    }
  }

  // ---- Peers ----

  function upsertPeer(s: Session, info: PeerInfo): void {
    const st = store.get();
    if (info.peerId === st.local.peerId) return;
    const i = st.peers.findIndex((p) => p.peerId === info.peerId);
    if (i >= 0) {
      // A peerJoined for a known id is an update (protocol §9.8).
      const mutedNow = info.muted && !st.peers[i]!.muted;
      updatePeer(info.peerId, {
        displayName: info.displayName,
        muted: info.muted,
        videoOff: info.videoOff,
        handRaised: info.handRaised,
      });
      // Muting ends their turn as the speaker now, not at the next level tick.
      if (mutedNow) void pollLevels(s);
    } else {
      update((cur) => ({ ...cur, peers: [...cur.peers, participantFrom(info, cur.hostId)] }));
      ensureLink(s, info.peerId);
      applyBitratePolicy(s);
    }
  }

  /** Someone left for good: their tile goes, and the UI says so. */
  function departed(s: Session, peerId: string, reason: 'left' | 'timeout' | 'removed'): void {
    const who = store.get().peers.find((p) => p.peerId === peerId);
    removePeer(s, peerId);
    if (who) update((st) => ({ ...st, lastDeparture: { peerId, displayName: who.displayName, reason, at: Date.now() } }));
  }

  function removePeer(s: Session, peerId: string): void {
    s.files.peerGone(peerId);
    closeLink(s, peerId);
    update((st) => {
      if (!st.peers.some((p) => p.peerId === peerId)) return st;
      return {
        ...st,
        peers: st.peers.filter((p) => p.peerId !== peerId),
        activeSpeakerId: st.activeSpeakerId === peerId ? null : st.activeSpeakerId,
      };
    });
    if (s.speaker.speakerId === peerId) s.speaker = INITIAL_SPEAKER_STATE;
    applyBitratePolicy(s);
  }

  function setHost(hostId: string | null): void {
    update((st) => ({
      ...st,
      hostId,
      lobby: hostId !== null && hostId === st.local.peerId ? st.lobby : [],
      local: { ...st.local, isHost: hostId !== null && hostId === st.local.peerId },
      peers: st.peers.map((p) => (p.isHost === (p.peerId === hostId) ? p : { ...p, isHost: p.peerId === hostId })),
    }));
  }

  function warn(code: string): void {
    update((st) => (st.warning?.code === code ? st : { ...st, warning: callError(code) }));
  }

  // ---- TURN credentials ----

  function scheduleIceRefresh(s: Session, delayMs: number | null): void {
    if (s.iceRefreshTimer) clearTimeout(s.iceRefreshTimer);
    s.iceRefreshTimer = null;
    if (delayMs === null || s.iceRefreshUnsupported || !hasTurnCredentials(s.iceServers)) return;
    s.iceRefreshTimer = setTimeout(() => {
      s.iceRefreshTimer = null;
      void refreshIce(s);
    }, delayMs);
  }

  function applyIceServers(s: Session, servers: IceServer[], ttlMs: number | undefined): void {
    s.iceServers = toRtcIceServers(servers);
    s.iceTtlMs = ttlMs;
    for (const link of s.links.values()) link.setIceServers(s.iceServers);
    if (s.opts.relayOnly && !hasTurnCredentials(s.iceServers)) warn('no_relay');
  }

  /**
   * Asks the server for fresh TURN credentials and gives them to every link.
   * 'unsupported': an older server without ice.refresh (a resume still brings
   * new credentials); 'unanswered': the socket is down, or the request failed.
   */
  async function fetchIceServers(s: Session): Promise<{ kind: 'applied'; ttlMs: number | undefined } | { kind: 'unsupported' } | { kind: 'unanswered' }> {
    try {
      const reply = await s.signaling.request({ type: 'ice.refresh' });
      if (!current(s) || reply.type !== 'ice.servers') return { kind: 'unanswered' };
      applyIceServers(s, reply.iceServers, reply.iceTtlMs);
      return { kind: 'applied', ttlMs: reply.iceTtlMs };
    } catch (err) {
      if (err instanceof SignalingError && err.code === 'bad_message') {
        s.iceRefreshUnsupported = true;
        return { kind: 'unsupported' };
      }
      if (!(err instanceof SignalingError)) console.warn('meriMeet: asking for fresh TURN credentials failed', err);
      return { kind: 'unanswered' };
    }
  }

  /** New credentials before the old ones expire; relayed links re-allocate with them (ICE restart). */
  async function refreshIce(s: Session): Promise<void> {
    if (!current(s)) return;
    const got = await fetchIceServers(s);
    if (!current(s)) return;
    if (got.kind === 'applied') {
      // Renewed on schedule: a later refusal is a new problem and gets its own attempts.
      resetTurnAuth(s);
      const relayed = new Set(store.get().peers.filter((p) => p.stats?.relayed).map((p) => p.peerId));
      for (const [id, link] of s.links) if (relayed.has(id) || s.opts.relayOnly) link.restartIce();
      scheduleIceRefresh(s, credentialRefreshDelay(got.ttlMs));
    } else if (got.kind === 'unanswered' && s.signaling.state === 'open') {
      // Socket down: the resume brings new credentials and reschedules. Anything else: try again soon.
      scheduleIceRefresh(s, RETRY_REFRESH_MS);
    }
  }

  /**
   * The relay refused the credentials this link gathered with. Stale ones are
   * replaced (fresh from the server, then an ICE restart on every refused
   * link), with growing pauses; when even fresh ones are refused the person is
   * told, and the engine stops asking (turn-auth-retry.ts).
   */
  function turnRefused(s: Session, peerId: string): void {
    s.turnRefusedLinks.add(peerId);
    const { state, action } = onTurnRefused(s.turnAuth, !s.iceRefreshUnsupported);
    s.turnAuth = state;
    if (action.kind === 'give-up') {
      warn('turn_auth');
    } else if (action.kind === 'retry') {
      s.turnAuthTimer = setTimeout(() => {
        s.turnAuthTimer = null;
        void retryRefusedTurn(s);
      }, action.delayMs);
    }
  }

  function resetTurnAuth(s: Session): void {
    if (s.turnAuthTimer) clearTimeout(s.turnAuthTimer);
    s.turnAuthTimer = null;
    s.turnAuth = INITIAL_TURN_AUTH_RETRY;
  }

  async function retryRefusedTurn(s: Session): Promise<void> {
    if (!current(s)) return;
    const got = await fetchIceServers(s);
    if (!current(s)) return;
    s.turnAuth = onTurnRetryDone(s.turnAuth);
    if (got.kind === 'unsupported') {
      // Nothing can bring fresh credentials before a resume: say so now.
      s.turnAuth = { ...s.turnAuth, phase: 'gave-up' };
      warn('turn_auth');
      return;
    }
    // Unanswered: the next refusal (the link's watchdog restarts it) tries again, as one more attempt.
    if (got.kind !== 'applied') return;
    const refused = [...s.turnRefusedLinks];
    s.turnRefusedLinks.clear();
    for (const id of refused) s.links.get(id)?.restartIce();
    // These credentials have a lifetime of their own.
    scheduleIceRefresh(s, credentialRefreshDelay(got.ttlMs));
  }

  function appendChat(msg: ChatMessage): void {
    update((st) => ({
      ...st,
      chat: [...st.chat, msg].slice(-MAX_CHAT_HISTORY),
      unreadChat: msg.mine ? st.unreadChat : st.unreadChat + 1,
    }));
  }

  function presenceSnapshot(): OutgoingMessage {
    const l = store.get().local;
    return { type: 'presence.update', displayName: l.displayName, muted: l.muted, videoOff: l.videoOff, handRaised: l.handRaised };
  }

  function sendPresence(patch: { displayName?: string; muted?: boolean; videoOff?: boolean; handRaised?: boolean }): void {
    const s = session;
    // Only members may update presence; changes made in the lobby or while away are sent
    // in full when admitted or resumed (see onJoined).
    if (!s || s.ended || store.get().phase !== 'in-call') return;
    s.signaling.send({ type: 'presence.update', ...patch });
  }

  // ---- Admission ----

  function onJoined(s: Session, m: Extract<ServerMessage, { type: 'room.joined' }>): void {
    if (!current(s)) return;
    const before = store.get();
    const resumed = m.resumed && before.local.peerId === m.peerId;
    if (!resumed && before.local.peerId !== null) {
      // A fresh admission under a new peer id: every old link is dead.
      for (const id of [...s.links.keys()]) closeLink(s, id);
      s.outbox = [];
      update((st) => ({ ...st, peers: [] }));
    }
    s.resumeToken = m.resumeToken;
    applyIceServers(s, m.iceServers, m.iceTtlMs);
    // Credentials fresh from an admission or a resume: a later refusal gets its own attempts.
    resetTurnAuth(s);
    scheduleIceRefresh(s, credentialRefreshDelay(m.iceTtlMs));
    s.graceMs = m.graceMs;
    update((st) => ({
      ...st,
      phase: 'in-call',
      error: null,
      offline: false,
      meetingId: m.meetingId,
      locked: m.locked,
      // The server sends the lobby again right after room.joined if anyone waits (after a
      // restart nobody does: they join again); whatever we showed before may be stale.
      lobby: resumed ? [] : st.lobby,
      local: { ...st.local, peerId: m.peerId, connection: 'connected' },
    }));
    setHost(m.hostId);

    const listed = new Set(m.peers.map((p) => p.peerId));
    for (const info of m.peers) upsertPeer(s, info);
    if (resumed) {
      for (const link of s.links.values()) {
        // (applyIceServers gave every link the fresh credentials.)
        // Signals for us may have overflowed the server's outbox: redo what did not finish.
        if (link.state !== 'connected') link.restartIce();
      }
      // After a server restart, peers that never come back are never announced as left
      // (protocol §9.9): drop the ones not re-announced within the grace period.
      s.unconfirmed = new Set(store.get().peers.filter((p) => !listed.has(p.peerId)).map((p) => p.peerId));
      if (s.staleTimer) clearTimeout(s.staleTimer);
      s.staleTimer = null;
      if (s.unconfirmed.size > 0) {
        s.staleTimer = setTimeout(() => {
          s.staleTimer = null;
          if (!current(s)) return;
          for (const id of s.unconfirmed) departed(s, id, 'timeout');
          s.unconfirmed.clear();
        }, m.graceMs);
      }
      flushOutbox(s);
    }
    // Presence flags may have changed in the lobby or while away, and a restarted
    // server resets them: say what they are now (unless the join just said it).
    const presence = presenceSnapshot();
    if (resumed || JSON.stringify(presence) !== s.joinedWith) s.signaling.send(presence);
    s.joinedWith = null;
    applyBitratePolicy(s);
    startTimers(s);
  }

  async function sendJoin(s: Session): Promise<void> {
    const st = store.get();
    s.joinedWith = JSON.stringify(presenceSnapshot());
    try {
      const reply = await s.signaling.request({
        type: 'room.join',
        meetingId: s.opts.meetingId,
        admissionKey: s.opts.keys.admissionKey,
        displayName: st.local.displayName,
        muted: st.local.muted,
        videoOff: st.local.videoOff,
        handRaised: st.local.handRaised,
      });
      if (!current(s)) return;
      if (reply.type === 'room.joined') onJoined(s, reply);
      else if (reply.type === 'room.waiting') update((cur) => ({ ...cur, phase: 'lobby', meetingId: reply.meetingId }));
    } catch (err) {
      if (!current(s)) return;
      if (err instanceof SignalingError && (err.code === 'disconnected' || err.code === 'not_connected')) return; // the resume after reconnect retries
      if (err instanceof SignalingError) fail(s, err.code, err.retryAfterMs);
      else fail(s, 'internal');
    }
  }

  async function resume(s: Session): Promise<void> {
    if (!current(s)) return;
    if (s.opts.sessionToken) {
      await resumeAccount(s, s.opts.sessionToken);
      if (!current(s)) return;
    }
    const st = store.get();
    if (s.resumeToken === null || st.local.peerId === null) {
      // Never admitted (the lobby loses its place on a drop, §9.5): ask again.
      update((cur) => ({ ...cur, phase: cur.phase === 'lobby' ? 'lobby' : 'connecting' }));
      await sendJoin(s);
      return;
    }
    try {
      const reply = await s.signaling.request({ type: 'room.resume', resumeToken: s.resumeToken });
      if (reply.type === 'room.joined') onJoined(s, reply);
    } catch (err) {
      if (!current(s)) return;
      if (err instanceof SignalingError && ['disconnected', 'not_connected', 'timeout'].includes(err.code)) return;
      // The place is gone (grace period over, server restarted too long ago…): join again as a new peer.
      await rejoin(s);
    }
  }

  /**
   * Logs this connection in again. If the session is gone (expired, logged out
   * elsewhere) the call goes on as a guest, but the user is told: a rejoin or a
   * rebuilt room would no longer recognise them as the owner, so the host role
   * could go to someone else.
   */
  async function resumeAccount(s: Session, token: string): Promise<void> {
    try {
      await s.signaling.request({ type: 'account.resume', token });
    } catch (err) {
      if (current(s) && err instanceof SignalingError && err.code === 'session_expired') warn('session_expired');
    }
  }

  async function rejoin(s: Session): Promise<void> {
    for (const id of [...s.links.keys()]) closeLink(s, id);
    s.outbox = [];
    s.resumeToken = null;
    s.speaker = INITIAL_SPEAKER_STATE;
    update((st) => ({ ...st, peers: [], lobby: [], activeSpeakerId: null, hostId: null, local: { ...st.local, peerId: null, isHost: false } }));
    await sendJoin(s);
  }

  // ---- Server messages ----

  function onMessage(s: Session, m: ServerMessage): void {
    if (!current(s)) return;
    switch (m.type) {
      case 'room.joined':
        onJoined(s, m); // pushed after the host admits us
        return;
      case 'room.waiting':
        if (store.get().phase !== 'in-call') update((st) => ({ ...st, phase: 'lobby' }));
        return;
      case 'room.peerJoined':
      case 'room.peerUpdated':
        s.unconfirmed.delete(m.peer.peerId);
        if (store.get().local.peerId !== null) upsertPeer(s, m.peer);
        return;
      case 'room.peerLeft':
        departed(s, m.peerId, m.reason);
        return;
      case 'room.hostChanged':
        setHost(m.hostId);
        return;
      case 'room.locked':
        update((st) => ({ ...st, locked: m.locked }));
        return;
      case 'room.lobby':
        update((st) => (st.local.isHost ? { ...st, lobby: m.waiting.map((w) => ({ peerId: w.peerId, displayName: w.displayName })) } : st));
        return;
      case 'room.denied':
        end(s, 'denied');
        return;
      case 'room.removed':
        end(s, 'removed');
        return;
      case 'room.ended':
        end(s, 'ended');
        return;
      case 'room.muteRequested':
        update((st) => ({ ...st, muteRequestedBy: m.by }));
        return;
      case 'signal': {
        const link = s.links.get(m.from);
        if (link) {
          void link.handleSignal(m.data);
          return;
        }
        // A signal can outrun the peerJoined that introduces its sender only in odd
        // orders (resume replays); keep a few until we know the peer.
        const queue = s.early.get(m.from) ?? [];
        if (queue.length < MAX_EARLY_SIGNALS) queue.push(m.data);
        s.early.set(m.from, queue);
        return;
      }
      default:
        // ok/error/pong without a pending request, draining (the client handles it): nothing to do.
        return;
    }
  }

  // ---- Polling: stats and audio levels ----

  function startTimers(s: Session): void {
    if (s.timers.length > 0) return;
    s.timers.push(setInterval(() => void pollStats(s), statsIntervalMs));
    s.timers.push(setInterval(() => void pollLevels(s), levelIntervalMs));
  }

  async function pollStats(s: Session): Promise<void> {
    const results = await Promise.all(
      [...s.links].map(async ([id, link]) => {
        try {
          const report = await link.getStats();
          return report ? ([id, recordsOf(report)] as const) : null;
        } catch {
          return null;
        }
      }),
    );
    if (!current(s)) return;
    const patches = new Map<string, Partial<Participant>>();
    for (const r of results) {
      if (!r) continue;
      const [id, records] = r;
      const { stats, snapshot } = computePeerStats(records, s.statsPrev.get(id) ?? null);
      s.statsPrev.set(id, snapshot);
      const certs = certificatesOf(records) ?? s.links.get(id)?.negotiatedFingerprints() ?? null;
      const code = certs ? await safetyCode(certs.local, certs.remote) : null;
      patches.set(id, { stats, quality: rateQuality(stats), safetyCode: code });
    }
    if (!current(s)) return;
    if (patches.size === 0) return;
    update((st) => ({ ...st, peers: st.peers.map((p) => (patches.has(p.peerId) ? { ...p, ...patches.get(p.peerId) } : p)) }));
  }

  /**
   * Our own microphone's level, from the first link that can say (every link
   * sends the same track). Alone in the call there is no link, and nobody to
   * highlight us for.
   */
  async function localAudioLevel(s: Session): Promise<number | null> {
    for (const link of s.links.values()) {
      const level = await link.getLocalAudioLevel().catch((err: unknown) => {
        console.warn('meriMeet: could not read our microphone level', err);
        return null;
      });
      if (level !== null) return level;
    }
    return null;
  }

  async function pollLevels(s: Session): Promise<void> {
    if (!current(s) || s.pollingLevels) return;
    s.pollingLevels = true;
    const samples = new Map<string, number | null>();
    let localSample: number | null;
    try {
      [localSample] = await Promise.all([
        localAudioLevel(s),
        ...[...s.links].map(async ([id, link]) => samples.set(id, await link.getAudioLevel().catch(() => null))),
      ]);
    } finally {
      s.pollingLevels = false;
    }
    if (!current(s)) return;
    const st = store.get();
    const me = st.local.peerId;
    let changed = false;
    const levels = new Map<string, number>();
    const muted = new Set<string>();
    for (const p of st.peers) {
      const raw = p.muted ? 0 : (samples.get(p.peerId) ?? 0);
      const level = smoothLevel(s.levels.get(p.peerId) ?? 0, raw);
      s.levels.set(p.peerId, level);
      levels.set(p.peerId, level);
      if (p.muted) muted.add(p.peerId);
      if (Math.abs(level - p.audioLevel) >= 0.02) changed = true;
    }
    let localLevel = st.local.audioLevel;
    if (me !== null) {
      localLevel = smoothLevel(s.levels.get(me) ?? 0, st.local.muted ? 0 : (localSample ?? 0));
      s.levels.set(me, localLevel);
      levels.set(me, localLevel);
      if (st.local.muted) muted.add(me);
      if (Math.abs(localLevel - st.local.audioLevel) >= 0.02) changed = true;
    }
    s.speaker = nextSpeaker(s.speaker, { levels, muted, now: Date.now() });
    if (s.speaker.speakerId !== st.activeSpeakerId) changed = true;
    if (!changed) return;
    update((cur) => ({
      ...cur,
      activeSpeakerId: s.speaker.speakerId,
      local: Math.abs(localLevel - cur.local.audioLevel) < 0.02 ? cur.local : { ...cur.local, audioLevel: localLevel },
      peers: cur.peers.map((p) => {
        const level = levels.get(p.peerId);
        return level === undefined || Math.abs(level - p.audioLevel) < 0.02 ? p : { ...p, audioLevel: level };
      }),
    }));
  }

  // ---- The contract ----

  async function join(opts: JoinOptions): Promise<void> {
    if (session && !session.ended) throw new Error('already in a meeting; leave first');
    const displayName = opts.displayName.trim();
    setTracksEnabled(opts.stream, 'audio', !opts.muted);
    setTracksEnabled(opts.stream, 'video', !opts.videoOff);
    const fresh = initialState();
    store.update(() => ({
      ...fresh,
      phase: 'connecting',
      meetingId: opts.meetingId,
      local: { ...fresh.local, displayName, muted: opts.muted, videoOff: opts.videoOff, stream: opts.stream },
    }));

    const pre = takeWarm(opts.serverUrl);
    const signaling = pre?.signaling ?? createSignaling(opts.serverUrl);
    const s: Session = {
      opts,
      signaling,
      offs: [],
      links: new Map(),
      sdpMacKey: null as unknown as CryptoKey,
      chat: null as unknown as ChatChannel,
      files: null as unknown as FileTransfers,
      resumeToken: null,
      iceServers: [],
      iceTtlMs: undefined,
      iceRefreshTimer: null,
      iceRefreshUnsupported: false,
      turnAuth: INITIAL_TURN_AUTH_RETRY,
      turnAuthTimer: null,
      turnRefusedLinks: new Set(),
      offlineTimer: null,
      graceMs: 30_000,
      outbox: [],
      early: new Map(),
      statsPrev: new Map(),
      levels: new Map(),
      speaker: INITIAL_SPEAKER_STATE,
      replaced: new Map(),
      screen: null,
      timers: [],
      staleTimer: null,
      unconfirmed: new Set(),
      joinedWith: null,
      pollingLevels: false,
      ended: false,
    };
    session = s;

    try {
      const [sdpMacKey, chatKey, fileKey] = await Promise.all([
        deriveSdpMacKey(opts.keys.e2eKey),
        deriveChatKey(opts.keys.e2eKey),
        deriveFileKey(opts.keys.e2eKey),
      ]);
      s.sdpMacKey = sdpMacKey;
      s.chat = createChatChannel({ key: chatKey, meetingId: opts.meetingId, localPeerId: () => store.get().local.peerId });
      s.files = createFileTransfers({
        key: fileKey,
        meetingId: opts.meetingId,
        localPeerId: () => store.get().local.peerId,
        nameOf: (peerId) => store.get().peers.find((p) => p.peerId === peerId)?.displayName ?? 'Someone',
        pipeTo: (peerId) => s.links.get(peerId)?.files ?? null,
        createSink: createFileSink,
        onChange: (transfers) => {
          if (current(s)) update((st) => ({ ...st, transfers }));
        },
      });
    } catch {
      fail(s, 'internal');
      return;
    }
    if (!current(s)) return;

    s.offs.push(
      signaling.onMessage((m) => onMessage(s, m)),
      signaling.onState((state, detail) => {
        if (!current(s)) return;
        if (state === 'reconnecting') {
          // Media keeps flowing; only the phase changes.
          const phase = store.get().phase;
          if (phase === 'in-call' || phase === 'lobby') update((st) => ({ ...st, phase: 'reconnecting' }));
          // Still down after a while: say so (and offer "Try again"); it clears on reconnect.
          s.offlineTimer ??= setTimeout(() => {
            s.offlineTimer = null;
            if (current(s) && s.signaling.state !== 'open') update((st) => ({ ...st, offline: true }));
          }, OFFLINE_NOTICE_MS);
        } else if (state === 'open') {
          if (s.offlineTimer) clearTimeout(s.offlineTimer);
          s.offlineTimer = null;
          if (store.get().offline) update((st) => ({ ...st, offline: false }));
        } else if (state === 'closed') {
          fail(s, detail.closeCode === 4010 ? 'replaced' : 'disconnected');
        }
      }),
      signaling.onOpen(({ reconnected }) => {
        if (reconnected) void resume(s);
      }),
    );

    try {
      await (pre ? pre.ready : signaling.connect());
    } catch (err) {
      fail(s, err instanceof SignalingError ? err.code : 'unreachable');
      return;
    }
    if (!current(s)) return;
    if (opts.sessionToken) {
      await resumeAccount(s, opts.sessionToken);
      if (!current(s)) return;
    }
    await sendJoin(s);
  }

  async function leave(): Promise<void> {
    closeWarm();
    const s = session;
    if (!s || s.ended) return;
    const phase = store.get().phase;
    if (s.signaling.state === 'open' && (phase === 'in-call' || phase === 'lobby')) {
      try {
        await s.signaling.request({ type: 'room.leave' }, LEAVE_TIMEOUT_MS);
      } catch {
        /* leaving anyway: the server times our place out */
      }
    }
    end(s, 'left');
  }

  const host = (m: OutgoingMessage) => {
    const s = session;
    if (!s || s.ended || store.get().phase !== 'in-call') return;
    // The server refuses these from anyone but the host; the UI only offers them to the host.
    s.signaling.request(m).catch(() => {});
  };

  return {
    getState: () => store.get(),
    subscribe: (listener) => store.subscribe(listener),
    preconnect(serverUrl) {
      if (session && !session.ended) return;
      if (warm && warm.url === serverUrl && warm.signaling.state !== 'closed' && warm.signaling.state !== 'reconnecting') return;
      closeWarm();
      const signaling = createSignaling(serverUrl);
      const ready = signaling.connect();
      // A failure shows when join() awaits it; until then nobody is waiting.
      ready.catch(() => undefined);
      warm = { url: serverUrl, signaling, ready };
    },
    join,
    leave,
    setMuted(muted) {
      setTracksEnabled(store.get().local.stream, 'audio', !muted);
      const a = session?.replaced.get('audio');
      if (a) a.enabled = !muted;
      update((st) => ({ ...st, local: { ...st.local, muted }, muteRequestedBy: muted ? null : st.muteRequestedBy }));
      sendPresence({ muted });
      // Our own highlight goes now, not at the next level tick.
      if (muted && session && !session.ended) void pollLevels(session);
    },
    setVideoOff(videoOff) {
      setTracksEnabled(store.get().local.stream, 'video', !videoOff);
      const v = session?.replaced.get('video');
      if (v) v.enabled = !videoOff;
      update((st) => ({ ...st, local: { ...st.local, videoOff } }));
      sendPresence({ videoOff });
    },
    setHandRaised(handRaised) {
      update((st) => ({ ...st, local: { ...st.local, handRaised } }));
      sendPresence({ handRaised });
    },
    setDisplayName(name) {
      const displayName = name.trim().slice(0, 64);
      if (displayName === '') return;
      update((st) => ({ ...st, local: { ...st.local, displayName } }));
      sendPresence({ displayName });
    },
    async replaceTrack(track) {
      const st = store.get();
      track.enabled = track.kind === 'audio' ? !st.local.muted : !st.local.videoOff;
      const s = session;
      if (!s || s.ended) return;
      s.replaced.set(track.kind, track);
      // Your own tile shows the local stream, and whoever ends the call stops its tracks: the new
      // track must be in it (a camera turned on after joining without one showed nothing, and stayed on after leaving).
      const stream = streamWithTrack(st.local.stream, track);
      update((cur) => ({ ...cur, local: { ...cur.local, stream } }));
      await Promise.all([...s.links.values()].map((l) => l.replaceTrack(track).catch(() => {})));
      if (track.kind === 'video') applyBitratePolicy(s);
    },
    async shareScreen(stream) {
      const s = session;
      if (!s || s.ended || store.get().local.peerId === null) {
        // Not in a call: nothing will ever stop this capture but us.
        for (const t of stream.getTracks()) t.stop();
        throw new Error('not in a meeting');
      }
      if (s.screen?.stream === stream) return;
      dropScreen(s);
      prepareScreenStream(stream);
      const video = stream.getVideoTracks()[0];
      // The browser's own "Stop sharing" (or a closed window) ends the track: stop for everyone.
      const onEnded = () => {
        if (s.screen?.stream === stream) stopSharing(s);
      };
      video?.addEventListener('ended', onEnded);
      s.screen = { stream, off: () => video?.removeEventListener('ended', onEnded) };
      update((st) => ({ ...st, local: { ...st.local, screen: stream } }));
      const encoding = screenEncodingFor(store.get().peers.length + 1);
      await Promise.all([...s.links.values()].map((l) => l.setScreen(stream, encoding).catch(() => {})));
      if (video?.readyState === 'ended') onEnded();
    },
    stopScreenShare() {
      const s = session;
      if (s && !s.ended) stopSharing(s);
    },
    async sendChat(text) {
      const s = session;
      if (!s || s.ended || store.get().phase === 'lobby' || store.get().local.peerId === null) throw new Error('not in a meeting');
      const msg = await s.chat.send(text, store.get().local.displayName, s.links.values());
      if (current(s)) appendChat(msg);
    },
    sendFile(file, to) {
      const s = session;
      if (!s || s.ended || store.get().local.peerId === null) throw new Error('not in a meeting');
      const peers = (to === 'everyone' ? store.get().peers.map((p) => p.peerId) : to).filter((id) => s.links.has(id));
      if (peers.length === 0) throw new Error('nobody to send the file to');
      s.files.send(file, peers);
    },
    async acceptFile(id) {
      await session?.files.accept(id);
    },
    declineFile(id) {
      session?.files.decline(id);
    },
    cancelFile(id) {
      session?.files.cancel(id);
    },
    dismissFile(id) {
      session?.files.dismiss(id);
    },
    markChatRead() {
      update((st) => (st.unreadChat === 0 ? st : { ...st, unreadChat: 0 }));
    },
    dismissMuteRequest() {
      update((st) => (st.muteRequestedBy === null ? st : { ...st, muteRequestedBy: null }));
    },
    retryNow() {
      const s = session;
      if (s && !s.ended) s.signaling.retryNow?.();
    },
    dismissWarning() {
      update((st) => (st.warning === null ? st : { ...st, warning: null }));
    },
    admit: (peerId) => host({ type: 'host.admit', peerId }),
    deny: (peerId) => host({ type: 'host.deny', peerId }),
    setLocked: (locked) => host({ type: 'host.lock', locked }),
    remove: (peerId) => host({ type: 'host.remove', peerId }),
    askToMute: (peerId) => host({ type: 'host.askMute', peerId }),
    endForAll: () => host({ type: 'host.end' }),
  };
}
