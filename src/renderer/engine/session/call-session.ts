/**
 * One join, from the click to the end of the call: its lifetime, its socket,
 * and the parts that each do one job (the media topology, the TURN refresher,
 * the meters, chat and files). Ending it — leave, removal, failure — is
 * `lifetime.end()`: every timer, listener and connection it started stops
 * with it, and "is this session still current?" is `lifetime.ended`.
 *
 * What the session does to the call state is in roster.ts; when it joins,
 * resumes and rejoins is in admission.ts; how it answers server messages is
 * in server-messages.ts.
 */
import type { PeerInfo } from '@merimeet/signaling/protocol';
import type { CallError, CallState, ChatMessage, EndReason, JoinOptions } from '../call-state.js';
import { createChatChannel, type ChatChannel } from '../chat-channel.js';
import { deriveChatKey } from '../chat-crypto.js';
import { deriveFileKey } from '../files/file-crypto.js';
import { createFileTransfers, type FileSink, type FileTransfers } from '../files/file-transfers.js';
import { MAX_RELAYED_FILE_BYTES } from '../files/file-protocol.js';
import { MediaMeter } from '../media-meter.js';
import type { MediaTopology, PeerMediaPatch } from '../media-topology.js';
import { createMeshTopology } from '../mesh/mesh-topology.js';
import type { SignalPayload } from '../negotiation.js';
import type { PeerLink, PeerLinkOptions } from '../mesh/peer-link.js';
import { afterCall, patchPeer, withChat, withDeparture, withHost, withPeerInfo, withoutPeer } from '../roster.js';
import { deriveSdpMacKey } from '../sdp-mac.js';
import { createMediaE2ee } from '../sfu/e2ee/create-media-e2ee.js';
import type { CreateMediaE2ee } from '../sfu/e2ee/media-e2ee.js';
import { sfuServerOver } from '../sfu/sfu-server.js';
import { createSfuTopology, type SfuTopology } from '../sfu/sfu-topology.js';
import type { SignalingConnection } from '../signaling-client.js';
import { reportAs } from '../failures.js';
import type { Store } from '../store.js';
import { TurnRefresher } from '../turn-refresher.js';
import { deriveRecordingKey, type RecordingSignal } from '../recording/recording-notice.js';
import { Lifetime } from './lifetime.js';
import { MeshHandover } from './mesh-handover.js';
import { RecordingNotices } from './recording-notices.js';
import { ScreenShare } from './screen-share-session.js';

/** Signals kept while the socket is down; more than this means negotiations are stale anyway. */
const MAX_OUTBOX = 500;

export interface SessionDeps {
  createLink?: (options: PeerLinkOptions) => PeerLink;
  /** End-to-end encryption of SFU frames (tests give an in-process worker). */
  createE2ee?: CreateMediaE2ee;
  createFileSink: (name: string, size: number) => Promise<FileSink>;
  statsIntervalMs: number;
  levelIntervalMs: number;
}

/** The parts that need the meeting's keys (derived asynchronously right after the join starts). */
interface Keyed {
  topology: MediaTopology;
  chat: ChatChannel;
  files: FileTransfers;
  recording: RecordingNotices;
}

export class CallSession {
  readonly lifetime = new Lifetime();
  readonly turn: TurnRefresher;
  readonly meter: MediaMeter;
  readonly screen: ScreenShare;
  /** Tracks swapped in with replaceTrack, by kind (mute and camera-off toggle these too). */
  readonly replaced = new Map<string, MediaStreamTrack>();
  /** Signals produced while the socket is down, sent after the resume. */
  #outbox: { to: string; data: SignalPayload | RecordingSignal }[] = [];
  #keyed: Keyed | null = null;
  /** While the meeting moves from the mesh to the SFU (null before and after). */
  #handover: MeshHandover | null = null;

  constructor(
    readonly opts: JoinOptions,
    readonly signaling: SignalingConnection,
    readonly store: Store<CallState>,
    private readonly deps: SessionDeps,
  ) {
    this.turn = new TurnRefresher({
      lifetime: this.lifetime,
      signaling,
      topology: () => this.#keyed?.topology ?? null,
      relayOnly: opts.relayOnly === true,
      peersOnRelay: () => store.get().peers.filter((p) => opts.relayOnly === true || p.stats?.relayed).map((p) => p.peerId),
      warn: (code) => this.warn({ code }),
    });
    this.meter = new MediaMeter({
      lifetime: this.lifetime,
      store,
      topology: () => this.#keyed?.topology ?? null,
      statsIntervalMs: deps.statsIntervalMs,
      levelIntervalMs: deps.levelIntervalMs,
    });
    this.screen = new ScreenShare(this);
    // Newest first at the end: the share stops, then files, links and finally the socket.
    this.lifetime.add(() => signaling.close());
  }

  get ended(): boolean {
    return this.lifetime.ended;
  }

  get topology(): MediaTopology | null {
    return this.#keyed?.topology ?? null;
  }

  get files(): FileTransfers | null {
    return this.#keyed?.files ?? null;
  }

  get chat(): ChatChannel | null {
    return this.#keyed?.chat ?? null;
  }

  get recording(): RecordingNotices | null {
    return this.#keyed?.recording ?? null;
  }

  update(fn: (st: CallState) => CallState): void {
    if (!this.ended) this.store.update(fn);
  }

  /** Derives the meeting's keys and builds the parts that use them. */
  async prepare(): Promise<void> {
    const { opts, store } = this;
    const e2eKey = opts.keys.e2eKey;
    const [sdpMacKey, chatKey, fileKey, recordingKey] = await Promise.all([deriveSdpMacKey(e2eKey), deriveChatKey(e2eKey), deriveFileKey(e2eKey), deriveRecordingKey(e2eKey)]);
    if (this.ended) return;
    const localPeerId = () => store.get().local.peerId;
    const topology = createMeshTopology({
      meetingId: opts.meetingId,
      localId: localPeerId,
      iceServers: () => this.turn.iceServers,
      relayOnly: opts.relayOnly === true,
      stream: opts.stream,
      sdpMacKey,
      callSize: () => store.get().peers.length + 1,
      sendSignal: (to, data) => this.sendSignal(to, data),
      ...(this.deps.createLink ? { createLink: this.deps.createLink } : {}),
      events: {
        onPeerMedia: (peerId, patch) => {
          // Once the meeting moved, only what the SFU has not replaced yet.
          if (this.#handover === null || this.#handover.meshShows(peerId)) this.#patchPeer(peerId, patch);
        },
        onChatFrame: (peerId, frame) => this.#receiveChat(peerId, frame),
        onFileFrame: (peerId, frame) => void this.#keyed?.files.receive(peerId, frame),
        onControlFrame: (peerId, frame) => this.#keyed?.recording.fromDirect(peerId, frame),
        onRelayRefused: (peerId) => this.turn.refused(peerId),
        onPeerRestarted: (peerId) => {
          if (this.#handover) return;
          this.turn.forget(peerId);
          this.meter.forget(peerId);
          this.update((st) => patchPeer(st, peerId, { stream: null, screen: null, connection: 'connecting', verification: 'pending', safetyCode: null }));
        },
        onScreenNotSent: (peerId, err) => {
          console.warn('meriMeet: the screen could not be shared with a peer', err);
          const peerName = store.get().peers.find((p) => p.peerId === peerId)?.displayName;
          this.warn({ code: 'screen_not_sent', ...(peerName !== undefined ? { peerName } : {}) });
        },
      },
    });
    const files = createFileTransfers({
      key: fileKey,
      meetingId: opts.meetingId,
      localPeerId,
      nameOf: (peerId) => store.get().peers.find((p) => p.peerId === peerId)?.displayName ?? 'Someone',
      // Whichever topology carries the meeting now: the mesh's data channel, or the relay once it moved to the SFU.
      pipeTo: (peerId) => this.#keyed?.topology.filePipe(peerId) ?? null,
      createSink: this.deps.createFileSink,
      maxFileBytes: () => store.get().maxFileBytes,
      onChange: (transfers) => this.update((st) => ({ ...st, transfers })),
    });
    const chat = createChatChannel({ key: chatKey, meetingId: opts.meetingId, localPeerId });
    const recording = new RecordingNotices({
      lifetime: this.lifetime,
      meetingId: opts.meetingId,
      key: recordingKey,
      localId: localPeerId,
      topology,
      sendSignal: (to, data) => this.sendSignal(to, data),
      peerIds: () => store.get().peers.map((p) => p.peerId),
      update: (fn) => this.update(fn),
      warn: (w) => this.warn(w),
      nameOf: (peerId) => store.get().peers.find((p) => p.peerId === peerId)?.displayName ?? 'Someone',
    });
    this.#keyed = { topology, chat, files, recording };
    this.lifetime.add(() => topology.close());
    this.lifetime.add(() => files.close());
    this.lifetime.add(() => this.screen.drop());
  }

  #patchPeer(peerId: string, patch: PeerMediaPatch): void {
    this.update((st) => patchPeer(st, peerId, patch));
  }

  // ---- The SFU ----

  get sfu(): SfuTopology | null {
    const topology = this.#keyed?.topology;
    return topology?.kind === 'sfu' ? (topology as SfuTopology) : null;
  }

  /**
   * The server says this meeting's media runs on the SFU (`room.joined` with
   * `media: "sfu"`, or `sfu.moved`): move there, once; a meeting never goes
   * back to a mesh. Already there: publish again if the SFU the server has now
   * does not carry our media (a rebuilt meeting after a restart), else just
   * follow who publishes.
   */
  onSfu(feeds: string[], screens: string[] = []): void {
    const keyed = this.#keyed;
    if (!keyed || this.ended) return;
    const current = this.sfu;
    if (current) {
      if (!current.isPublishedIn(feeds)) void current.publish().catch(reportAs('publishing to the SFU again'));
      // Queued behind the publish; a newer sfu.feeds replaces it.
      return current.setFeeds(feeds, screens);
    }
    const mesh = keyed.topology;
    const sfu = this.#createSfu();
    keyed.topology = sfu;
    // Files go through the relay from now on: slower, so smaller (file-protocol.ts).
    this.update((st) => ({ ...st, maxFileBytes: MAX_RELAYED_FILE_BYTES }));
    this.lifetime.add(() => sfu.close());
    this.#handover = new MeshHandover(mesh, this.lifetime, () => this.store.get().peers.map((p) => p.peerId));
    for (const p of this.store.get().peers) sfu.addPeer(p.peerId);
    void sfu.publish().catch(reportAs('publishing to the SFU'));
    sfu.setFeeds(feeds, screens);
  }

  #createSfu(): SfuTopology {
    const { opts, store } = this;
    return createSfuTopology({
      meetingId: opts.meetingId,
      localId: () => store.get().local.peerId,
      iceServers: () => this.turn.iceServers,
      relayOnly: opts.relayOnly === true,
      stream: opts.stream,
      replaced: this.replaced,
      screen: () => this.screen.stream,
      e2eKey: opts.keys.e2eKey,
      server: sfuServerOver((m) => this.signaling.request(m)),
      sendSignal: (to, data) => this.sendSignal(to, data as SignalPayload),
      // File pieces are never kept in the outbox: a pipe whose socket is down closes instead (relayed-files.ts).
      sendFileSignal: (to, data) => !this.ended && this.signaling.state === 'open' && this.signaling.send({ type: 'signal', to, data: data as SignalPayload }),
      createE2ee: this.deps.createE2ee ?? createMediaE2ee,
      events: {
        onPeerMedia: (peerId, patch) => {
          if (patch.stream) this.#handover?.arrived(peerId);
          this.#patchPeer(peerId, patch);
        },
        onChatFrame: (peerId, frame) => this.#receiveChat(peerId, frame),
        onControlFrame: (peerId, frame) => this.#keyed?.recording.fromDirect(peerId, frame),
        onFileFrame: (peerId, frame) => void this.#keyed?.files.receive(peerId, frame),
        onRelayRefused: (peerId) => this.turn.refused(peerId),
      },
    });
  }

  // ---- Signals ----

  sendSignal(to: string, data: SignalPayload | RecordingSignal): void {
    if (this.ended) return;
    if (this.signaling.state === 'open' && this.signaling.send({ type: 'signal', to, data })) return;
    // Socket down: keep it for after the resume (the link's negotiation is waiting on it).
    this.#outbox.push({ to, data });
    if (this.#outbox.length > MAX_OUTBOX) this.#outbox.shift();
  }

  /**
   * A signal from someone, to whichever part it belongs: during the move to
   * the SFU, what the SFU does not take (a mesh link's answer, candidate or
   * ICE restart) still goes to the mesh, whose links carry the media until
   * the SFU's arrives.
   */
  handleSignal(from: string, data: unknown): void {
    const sfu = this.sfu;
    if (sfu && !sfu.takesSignal(data) && this.#handover?.meshSignal(from, data)) return;
    this.topology?.handleSignal(from, data);
  }

  flushOutbox(): void {
    const queued = this.#outbox.splice(0);
    for (const { to, data } of queued) if (this.topology?.has(to)) this.sendSignal(to, data);
  }

  // ---- People ----

  upsertPeer(info: PeerInfo): void {
    const st = this.store.get();
    if (info.peerId === st.local.peerId) return;
    const known = st.peers.find((p) => p.peerId === info.peerId);
    this.update((cur) => withPeerInfo(cur, info));
    if (known) {
      // Muting ends their turn as the speaker now, not at the next level tick.
      if (info.muted && !known.muted) void this.meter.pollLevels();
      return;
    }
    this.topology?.addPeer(info.peerId);
    this.topology?.applyEncodings();
    this.recording?.peerAdded(info.peerId);
  }

  removePeer(peerId: string): void {
    this.files?.peerGone(peerId);
    this.topology?.removePeer(peerId);
    this.turn.forget(peerId);
    this.meter.forget(peerId);
    this.recording?.forget(peerId);
    this.update((st) => withoutPeer(st, peerId));
    this.topology?.applyEncodings();
  }

  /** Someone left for good: their tile goes, and the UI says so. */
  departed(peerId: string, reason: 'left' | 'timeout' | 'removed'): void {
    this.update((st) => withDeparture(st, peerId, reason, Date.now()));
    this.removePeer(peerId);
  }

  /** Every connection from before is dead (a new admission under a new peer id, or a rejoin). */
  dropEveryone(): void {
    this.topology?.removeAll();
    this.#outbox = [];
    this.meter.reset();
  }

  setHost(hostId: string | null): void {
    this.update((st) => withHost(st, hostId));
  }

  /** Something the person should know while the call goes on (shown until dismissed; the same code twice is one warning). */
  warn(warning: CallError): void {
    this.update((st) => (st.warning?.code === warning.code && st.warning.peerName === warning.peerName ? st : { ...st, warning }));
  }

  appendChat(msg: ChatMessage): void {
    this.update((st) => withChat(st, msg));
  }

  #receiveChat(peerId: string, frame: string): void {
    void this.#keyed?.chat.receive(peerId, frame).then((msg) => {
      if (msg && !this.ended && this.topology?.has(peerId)) this.appendChat(msg);
    });
  }

  // ---- The end ----

  /** Could not join, or lost the meeting: the call is over with this error. */
  fail(code: string, retryAfterMs?: number): void {
    if (this.ended) return;
    this.lifetime.end();
    const error: CallError = retryAfterMs !== undefined ? { code, retryAfterMs } : { code };
    this.store.update((st) => ({ ...afterCall(st), phase: 'failed', error }));
  }

  end(reason: EndReason): void {
    if (this.ended) return;
    this.lifetime.end();
    this.store.update((st) => ({ ...afterCall(st), phase: 'ended', endReason: reason, error: null }));
  }
}
