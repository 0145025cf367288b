/**
 * The call engine: implements the CallEngine contract (call-state.ts). It is
 * a small composition; each job is a part of its own:
 * - session/call-session.ts: one join's lifetime and its parts;
 * - session/admission.ts: join, lobby, resume, rejoin;
 * - session/server-messages.ts, session/socket-watch.ts: what the server says;
 * - roster.ts: what each event does to the CallState (pure functions);
 * - media-topology.ts, mesh/: how media flows (today a full mesh);
 * - turn-refresher.ts, media-meter.ts: TURN credentials; stats, levels, speaker.
 *
 * Its collaborators are injected (createSignaling, createLink) so the
 * handling of server messages can be unit-tested with fakes.
 *
 * Principles:
 * - Media is peer to peer: losing the signaling socket touches no link. The
 *   phase shows 'reconnecting', signals produced meanwhile (an ICE restart's
 *   offer) wait in an outbox, and once the socket is back the engine
 *   resumes its place (room.resume) and flushes them. If the place is gone
 *   (resume_failed), it joins again with the same keys, as a new peer.
 * - Every join gets its own session; ending it ends everything it started.
 * - The caller owns the MediaStream: the engine toggles `enabled` for mute
 *   and camera-off (as the contract says) but never stops a track.
 */
import type { CallEngine, CallState, JoinOptions } from './call-state.js';
import { reportFailure } from './failures.js';
import { createOpfsSink } from './files/opfs-sink.js';
import type { FileSink } from './files/file-transfers.js';
import { createPeerLink, type PeerLink, type PeerLinkOptions } from './mesh/peer-link.js';
import { markJoinStep, startJoinTrace } from './join-trace.js';
import { mayRecord } from './recording/recording-consent.js';
import { initialState, joining, raisedAt } from './roster.js';
import { Admission } from './session/admission.js';
import { CallSession, type SessionDeps } from './session/call-session.js';
import { watchSocket } from './session/socket-watch.js';
import { SignalingClient, SignalingError, type OutgoingMessage, type SignalingConnection } from './signaling-client.js';
import { LEVEL_INTERVAL_MS, STATS_INTERVAL_MS } from './stats.js';
import { createStore } from './store.js';

export { initialState } from './roster.js';
export { OFFLINE_NOTICE_MS } from './session/socket-watch.js';

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

const LEAVE_TIMEOUT_MS = 3_000;

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

/** A socket opened ahead of join() (preconnect), for one server. */
interface Warm {
  url: string;
  signaling: SignalingConnection;
  ready: Promise<void>;
}

export function createCallEngine(deps: CallEngineDeps = {}): CallEngine {
  return new Engine(deps);
}

/** A host command's failure that is the socket's, not a refusal. */
const SOCKET_DOWN = new Set(['disconnected', 'not_connected', 'timeout']);

class Engine implements CallEngine {
  readonly #createSignaling: (url: string) => SignalingConnection;
  readonly #sessionDeps: SessionDeps;
  readonly #store = createStore<CallState>(initialState());
  #session: CallSession | null = null;
  #warm: Warm | null = null;

  constructor(deps: CallEngineDeps) {
    this.#createSignaling = deps.createSignaling ?? ((url: string) => new SignalingClient({ url }));
    this.#sessionDeps = {
      createLink: deps.createLink ?? createPeerLink,
      createFileSink: deps.createFileSink ?? (() => createOpfsSink()),
      statsIntervalMs: deps.statsIntervalMs ?? STATS_INTERVAL_MS,
      levelIntervalMs: deps.levelIntervalMs ?? LEVEL_INTERVAL_MS,
    };
  }

  // ---- Sessions ----

  /** The session of the call we are in, or null. */
  #live(): CallSession | null {
    const s = this.#session;
    return s && !s.ended ? s : null;
  }

  /** …and only once admitted (a peer id), for what needs the others. */
  #admitted(): CallSession | null {
    return this.#store.get().local.peerId !== null ? this.#live() : null;
  }

  #update(fn: (s: CallState) => CallState): void {
    this.#store.update(fn);
  }

  #closeWarm(): void {
    this.#warm?.signaling.close();
    this.#warm = null;
  }

  /** The preconnected socket if it is for this server and still usable; else null (and it is closed). */
  #takeWarm(serverUrl: string): Warm | null {
    const w = this.#warm;
    this.#warm = null;
    if (w && w.url === serverUrl && (w.signaling.state === 'open' || w.signaling.state === 'connecting')) return w;
    w?.signaling.close();
    return null;
  }

  #sendPresence(patch: { displayName?: string; muted?: boolean; videoOff?: boolean; handRaised?: boolean }): void {
    const s = this.#live();
    // Only members may update presence; changes made in the lobby or while away are sent
    // in full when admitted or resumed (see Admission.joined).
    if (!s || this.#store.get().phase !== 'in-call') return;
    s.signaling.send({ type: 'presence.update', ...patch });
  }

  /** A host command. The server refuses it from anyone but the host; if it does, the person is told it did not happen. */
  #host(m: OutgoingMessage): void {
    const s = this.#live();
    if (!s || this.#store.get().phase !== 'in-call') return;
    s.signaling.request(m).catch((err: unknown) => {
      if (s.ended) return;
      reportFailure(`host command ${m.type}`, err);
      s.warn({ code: err instanceof SignalingError && SOCKET_DOWN.has(err.code) ? err.code : 'host_refused' });
    });
  }

  // ---- The contract ----

  getState(): CallState {
    return this.#store.get();
  }

  subscribe(listener: (state: CallState) => void): () => void {
    return this.#store.subscribe(listener);
  }

  preconnect(serverUrl: string): void {
    if (this.#live()) return;
    const w = this.#warm;
    if (w && w.url === serverUrl && w.signaling.state !== 'closed' && w.signaling.state !== 'reconnecting') return;
    this.#closeWarm();
    const signaling = this.#createSignaling(serverUrl);
    const ready = signaling.connect();
    // A failure shows when join() awaits it; until then nobody is waiting.
    ready.catch((err: unknown) => console.warn('meriMeet: preconnecting to the meeting server failed (join will say why)', err));
    this.#warm = { url: serverUrl, signaling, ready };
  }

  async join(opts: JoinOptions): Promise<void> {
    if (this.#live()) throw new Error('already in a meeting; leave first');
    startJoinTrace();
    setTracksEnabled(opts.stream, 'audio', !opts.muted);
    setTracksEnabled(opts.stream, 'video', !opts.videoOff);
    this.#store.update(() => joining({ ...opts, displayName: opts.displayName.trim() }));
    const pre = this.#takeWarm(opts.serverUrl);
    const s = new CallSession(opts, pre?.signaling ?? this.#createSignaling(opts.serverUrl), this.#store, this.#sessionDeps);
    this.#session = s;
    const admission = new Admission(s);
    try {
      await s.prepare();
    } catch (err) {
      console.error('meriMeet: preparing the meeting keys failed', err);
      return s.fail('internal');
    }
    if (s.ended) return;
    markJoinStep('keys-ready');
    watchSocket(s, admission);
    try {
      await (pre ? pre.ready : s.signaling.connect());
    } catch (err) {
      return s.fail(err instanceof SignalingError ? err.code : 'unreachable');
    }
    if (s.ended) return;
    markJoinStep('socket-ready');
    if (opts.sessionToken) {
      await admission.resumeAccount(opts.sessionToken);
      if (s.ended) return;
    }
    await admission.join();
  }

  async leave(): Promise<void> {
    this.#closeWarm();
    const s = this.#live();
    if (!s) return;
    const phase = this.#store.get().phase;
    if (s.signaling.state === 'open' && (phase === 'in-call' || phase === 'lobby')) {
      try {
        await s.signaling.request({ type: 'room.leave' }, LEAVE_TIMEOUT_MS);
      } catch (err) {
        // Leaving anyway: the server times our place out.
        console.warn('meriMeet: the server did not confirm our leaving', err);
      }
    }
    s.end('left');
  }

  setMuted(muted: boolean): void {
    setTracksEnabled(this.#store.get().local.stream, 'audio', !muted);
    const a = this.#live()?.replaced.get('audio');
    if (a) a.enabled = !muted;
    this.#update((st) => ({ ...st, local: { ...st.local, muted }, muteRequestedBy: muted ? null : st.muteRequestedBy }));
    this.#sendPresence({ muted });
    // Our own highlight goes now, not at the next level tick.
    if (muted) void this.#live()?.meter.pollLevels();
  }

  setVideoOff(videoOff: boolean): void {
    setTracksEnabled(this.#store.get().local.stream, 'video', !videoOff);
    const v = this.#live()?.replaced.get('video');
    if (v) v.enabled = !videoOff;
    this.#update((st) => ({ ...st, local: { ...st.local, videoOff } }));
    this.#sendPresence({ videoOff });
  }

  setHandRaised(handRaised: boolean): void {
    this.#update((st) => ({ ...st, local: { ...st.local, handRaised, handRaisedAt: raisedAt(st.local, handRaised, Date.now()) } }));
    this.#sendPresence({ handRaised });
  }

  setDisplayName(name: string): void {
    const displayName = name.trim().slice(0, 64);
    if (displayName === '') return;
    this.#update((st) => ({ ...st, local: { ...st.local, displayName } }));
    this.#sendPresence({ displayName });
  }

  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const st = this.#store.get();
    track.enabled = track.kind === 'audio' ? !st.local.muted : !st.local.videoOff;
    const s = this.#live();
    if (!s) return;
    s.replaced.set(track.kind, track);
    // Your own tile shows the local stream, and whoever ends the call stops its tracks: the new
    // track must be in it (a camera turned on after joining without one showed nothing, and stayed on after leaving).
    const stream = streamWithTrack(st.local.stream, track);
    this.#update((cur) => ({ ...cur, local: { ...cur.local, stream } }));
    await s.topology?.replaceTrack(track);
  }

  async shareScreen(stream: MediaStream): Promise<void> {
    const s = this.#admitted();
    if (!s) {
      // Not in a call: nothing will ever stop this capture but us.
      for (const t of stream.getTracks()) t.stop();
      throw new Error('not in a meeting');
    }
    await s.screen.start(stream);
  }

  stopScreenShare(): void {
    this.#live()?.screen.stop();
  }

  async sendChat(text: string): Promise<void> {
    const s = this.#admitted();
    if (!s || !s.chat || !s.topology || this.#store.get().phase === 'lobby') throw new Error('not in a meeting');
    const msg = await s.chat.send(text, this.#store.get().local.displayName, s.topology.chatSenders());
    if (!s.ended) s.appendChat(msg);
  }

  sendFile(file: File, to: string[] | 'everyone'): void {
    const s = this.#admitted();
    const topology = s?.topology;
    if (!s || !s.files || !topology) throw new Error('not in a meeting');
    const peers = (to === 'everyone' ? this.#store.get().peers.map((p) => p.peerId) : to).filter((id) => topology.has(id));
    if (peers.length === 0) throw new FileRefused('nobody_to_send_to');
    // Said before anything is offered; a receiver would refuse it too (file-receiving.ts).
    if (file.size > this.#store.get().maxFileBytes) throw new FileRefused('file_too_large_for_large_meeting');
    s.files.send(file, peers);
  }

  async acceptFile(id: string): Promise<void> {
    await this.#session?.files?.accept(id);
  }

  declineFile(id: string): void {
    this.#session?.files?.decline(id);
  }

  cancelFile(id: string): void {
    this.#session?.files?.cancel(id);
  }

  dismissFile(id: string): void {
    this.#session?.files?.dismiss(id);
  }

  markChatRead(): void {
    this.#update((st) => (st.unreadChat === 0 ? st : { ...st, unreadChat: 0 }));
  }

  dismissMuteRequest(): void {
    this.#update((st) => (st.muteRequestedBy === null ? st : { ...st, muteRequestedBy: null }));
  }

  retryNow(): void {
    this.#live()?.signaling.retryNow?.();
  }

  dismissOwnLevelNotice(): void {
    this.#update((st) => (st.ownLevelNotice === 'shown' ? { ...st, ownLevelNotice: 'dismissed' } : st));
  }

  dismissWarning(): void {
    this.#update((st) => (st.warning === null ? st : { ...st, warning: null }));
  }

  // ---- Host controls ----

  admit(peerId: string): void {
    this.#host({ type: 'host.admit', peerId });
  }

  deny(peerId: string): void {
    this.#host({ type: 'host.deny', peerId });
  }

  setLocked(locked: boolean): void {
    this.#host({ type: 'host.lock', locked });
  }

  remove(peerId: string): void {
    this.#host({ type: 'host.remove', peerId });
  }

  askToMute(peerId: string): void {
    this.#host({ type: 'host.askMute', peerId });
  }

  endForAll(): void {
    this.#host({ type: 'host.end' });
  }

  // ---- Recording (end to end; the server only relays sealed notices) ----

  async setRecording(recording: boolean): Promise<void> {
    const s = this.#admitted();
    if (!s?.recording) throw new RecordingRefused('not_in_meeting');
    // Stopping is always allowed; starting needs the host's leave.
    if (recording && !mayRecord(this.#store.get())) throw new RecordingRefused('not_allowed_to_record');
    await s.recording.announce({ recording });
  }

  async setEveryoneMayRecord(allowed: boolean): Promise<void> {
    const s = this.#admitted();
    if (!s?.recording || !this.#store.get().local.isHost) throw new RecordingRefused('not_host');
    await s.recording.announce({ everyoneMayRecord: allowed });
  }
}

/** A file could not be offered: `code` says why (ui/messages.ts words it). */
export class FileRefused extends Error {
  constructor(readonly code: 'nobody_to_send_to' | 'file_too_large_for_large_meeting') {
    super(`file refused: ${code}`);
    this.name = 'FileRefused';
  }
}

/** Recording could not be announced: `code` says why (ui/messages.ts words it). */
export class RecordingRefused extends Error {
  constructor(readonly code: 'not_in_meeting' | 'not_allowed_to_record' | 'not_host') {
    super(`recording refused: ${code}`);
    this.name = 'RecordingRefused';
  }
}
