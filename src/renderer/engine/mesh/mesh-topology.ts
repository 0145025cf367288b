/**
 * The full mesh: one PeerLink (one RTCPeerConnection) to each remote person,
 * each carrying our camera, microphone, screen, chat and files straight to
 * them. Implements MediaTopology (media-topology.ts).
 *
 * What a link needs that outlives any one link lives here: the tracks
 * swapped in with replaceTrack and the screen we share (a link made later
 * must send them too), and signals that arrive before the peerJoined that
 * introduces their sender.
 */
import { videoEncodingFor } from '../bitrate-policy.js';
import { fitCaptureToMeeting } from '../capture-fit.js';
import type { ChatSender } from '../chat-channel.js';
import { reportAs, reportFailure } from '../failures.js';
import type { FramePipe } from '../files/file-transfers.js';
import type { AudioLevels, MediaTopology, MediaTopologyEvents, PeerMediaPatch, PeerReport } from '../media-topology.js';
import { markJoinStep } from '../join-trace.js';
import type { SignalPayload } from '../negotiation.js';
import { createPeerLink, type PeerLink, type PeerLinkOptions } from './peer-link.js';
import { screenEncodingFor } from '../screen-share.js';
import { recordsOf } from '../stats.js';

/** Signals from a peer we do not know yet (kept until its peerJoined). */
const MAX_EARLY_SIGNALS = 64;

export interface MeshOptions {
  meetingId: string;
  /** Our peer id (links are only made once we have one). */
  localId: () => string | null;
  /** The TURN/STUN servers a new link starts with. */
  iceServers: () => RTCIceServer[];
  relayOnly: boolean;
  /** The caller's camera/microphone stream (the mesh never stops its tracks). */
  stream: MediaStream | null;
  sdpMacKey: CryptoKey;
  /** How many people are in the call, us included (encodings depend on it). */
  callSize: () => number;
  sendSignal: (to: string, data: SignalPayload) => void;
  events: MediaTopologyEvents & {
    /** The peer started a new link to us: ours was replaced, and what we showed of theirs is gone. */
    onPeerRestarted(peerId: string): void;
    /** Sharing the screen failed for this person (they do not see it). */
    onScreenNotSent(peerId: string, err: unknown): void;
  };
  createLink?: (options: PeerLinkOptions) => PeerLink;
}

export function createMeshTopology(options: MeshOptions): MediaTopology {
  return new MeshTopology(options);
}

class MeshTopology implements MediaTopology {
  readonly kind = 'mesh' as const;
  readonly #o: MeshOptions;
  readonly #createLink: (options: PeerLinkOptions) => PeerLink;
  readonly #links = new Map<string, PeerLink>();
  readonly #early = new Map<string, unknown[]>();
  /** Tracks swapped in with replaceTrack, by kind: new links must send these, not the stream's. */
  readonly #replaced = new Map<string, MediaStreamTrack>();
  #screen: MediaStream | null = null;
  /** The camera's fitting to the meeting size, then its encodings (applyEncodings), in order. */
  #cameraFit: Promise<void> = Promise.resolve();

  constructor(options: MeshOptions) {
    this.#o = options;
    this.#createLink = options.createLink ?? createPeerLink;
  }

  // ---- Links ----

  addPeer(peerId: string): void {
    const o = this.#o;
    const me = o.localId();
    if (this.#links.has(peerId) || me === null || peerId === me) return;
    const link = this.#createLink({
      meetingId: o.meetingId,
      localId: me,
      remoteId: peerId,
      iceServers: o.iceServers(),
      ...(o.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
      stream: o.stream,
      sdpMacKey: o.sdpMacKey,
      sendSignal: (data) => {
        markSignal(data, 'sent');
        o.sendSignal(peerId, data);
      },
      events: this.#linkEvents(peerId),
    });
    this.#links.set(peerId, link);
    markJoinStep('link-created');
    for (const track of this.#replaced.values()) void link.replaceTrack(track).catch(reportAs('sending a replaced track to a new link'));
    if (this.#screen) void this.#sendScreen(peerId, link, this.#screen);
    const waiting = this.#early.get(peerId);
    this.#early.delete(peerId);
    for (const data of waiting ?? []) void link.handleSignal(data);
  }

  removePeer(peerId: string): void {
    const link = this.#links.get(peerId);
    this.#links.delete(peerId);
    this.#early.delete(peerId);
    link?.close();
  }

  removeAll(): void {
    for (const id of [...this.#links.keys()]) this.removePeer(id);
  }

  has(peerId: string): boolean {
    return this.#links.has(peerId);
  }

  #linkEvents(peerId: string): PeerLinkOptions['events'] {
    const events = this.#o.events;
    const media = (patch: PeerMediaPatch) => events.onPeerMedia(peerId, patch);
    return {
      onRemoteStream: (stream) => {
        markJoinStep('remote-stream');
        media({ stream });
      },
      onRemoteScreen: (shared) => media({ screen: shared }),
      // Connected means DTLS finished with the fingerprints of a MAC-verified description.
      onStateChange: (connection) => {
        if (connection === 'connected') markJoinStep('connected');
        media(connection === 'connected' ? { connection, verification: 'verified' } : { connection });
      },
      onFileFrame: (frame) => events.onFileFrame(peerId, frame),
      onChatFrame: (frame) => events.onChatFrame(peerId, frame),
      onControlFrame: (frame) => events.onControlFrame(peerId, frame),
      onSecurityError: ({ kind, verified }) => {
        console.warn(`meriMeet: refused a ${kind} signal in the name of ${peerId}`);
        const problem = { kind, at: Date.now() };
        // Before any verified connection, refusing it means no media from this peer: say so.
        media(verified ? { securityProblem: problem } : { securityProblem: problem, verification: 'failed', connection: 'failed' });
      },
      onRemoteRestart: (hello) => {
        // Their new link cannot talk to our old one: start afresh, then give the new one their hello.
        this.removePeer(peerId);
        events.onPeerRestarted(peerId);
        this.addPeer(peerId);
        void this.#links.get(peerId)?.handleSignal(hello);
      },
      onIceServerError: (errorCode) => {
        // 401: the relay refused the credentials (expired, or a wrong secret). Other codes
        // (701: unreachable) come and go while a relay restarts; the watchdog handles those.
        if (errorCode === 401) events.onRelayRefused(peerId);
      },
    };
  }

  // ---- Signals and ICE ----

  handleSignal(from: string, data: unknown): void {
    markSignal(data, 'received');
    const link = this.#links.get(from);
    if (link) return void link.handleSignal(data);
    // A signal can outrun the peerJoined that introduces its sender only in odd
    // orders (resume replays); keep a few until we know the peer.
    const queue = this.#early.get(from) ?? [];
    if (queue.length < MAX_EARLY_SIGNALS) queue.push(data);
    this.#early.set(from, queue);
  }

  setIceServers(servers: RTCIceServer[]): void {
    for (const link of this.#links.values()) link.setIceServers(servers);
  }

  restartIce(who: Iterable<string> | 'unconnected'): void {
    if (who === 'unconnected') {
      for (const link of this.#links.values()) if (link.state !== 'connected') link.restartIce();
      return;
    }
    for (const id of who) this.#links.get(id)?.restartIce();
  }

  // ---- What we send ----

  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    this.#replaced.set(track.kind, track);
    await Promise.all([...this.#links.values()].map((l) => l.replaceTrack(track).catch(reportAs('replacing a track on a link'))));
    if (track.kind === 'video') this.applyEncodings();
  }

  async setScreen(stream: MediaStream | null): Promise<void> {
    this.#screen = stream;
    await Promise.all([...this.#links].map(([id, link]) => this.#sendScreen(id, link, stream)));
  }

  applyEncodings(): void {
    // One at a time: the policy is read from the camera's size once its capture fits the meeting.
    this.#cameraFit = this.#cameraFit.then(() => this.#fitCamera());
    const screen = this.#screen;
    if (screen) for (const [id, link] of this.#links) void this.#sendScreen(id, link, screen);
  }

  async #fitCamera(): Promise<void> {
    const video = this.#replaced.get('video') ?? this.#o.stream?.getVideoTracks()[0];
    const size = this.#o.callSize();
    if (video && video.readyState !== 'ended') await fitCaptureToMeeting(video, size).catch(reportAs('fitting the camera to the meeting'));
    const policy = videoEncodingFor(size, video?.getSettings?.().height);
    for (const link of this.#links.values()) void link.setVideoPolicy(policy).catch(reportAs('setting a link’s video encoding'));
  }

  #sendScreen(peerId: string, link: PeerLink, stream: MediaStream | null): Promise<void> {
    return link.setScreen(stream, screenEncodingFor(this.#o.callSize())).catch((err: unknown) => {
      // Only a share that does not reach someone is theirs to know about; a stop that failed changes nothing they see.
      if (stream) this.#o.events.onScreenNotSent(peerId, err);
      else reportFailure('stopping the screen on a link', err);
    });
  }

  // ---- Data ----

  chatSenders(): Iterable<ChatSender> {
    return this.#links.values();
  }

  sendControl(frame: string): number {
    let sent = 0;
    for (const link of this.#links.values()) if (link.sendControl(frame)) sent++;
    return sent;
  }

  filePipe(peerId: string): FramePipe | null {
    return this.#links.get(peerId)?.files ?? null;
  }

  // ---- Meters ----

  async readReports(): Promise<Map<string, PeerReport>> {
    const entries = await Promise.all([...this.#links].map(async ([id, link]) => [id, await readReport(link)] as const));
    const reports = new Map<string, PeerReport>();
    for (const [id, report] of entries) if (report) reports.set(id, report);
    return reports;
  }

  async readAudioLevels(): Promise<AudioLevels> {
    const remote = new Map<string, number | null>();
    const [local] = await Promise.all([
      this.#localLevel(),
      ...[...this.#links].map(async ([id, link]) => remote.set(id, await link.getAudioLevel().catch(nullAfter('reading a peer’s audio level')))),
    ]);
    const known = [...this.#links.values()].map((l) => l.localLevelMeasurable()).filter((m) => m !== null);
    const localMeasurable = known.length === 0 ? null : known.some((m) => m);
    return { local, remote, localMeasurable };
  }

  /** Our own microphone's level, from the first link that can say (every link sends the same track). */
  async #localLevel(): Promise<number | null> {
    for (const link of this.#links.values()) {
      const level = await link.getLocalAudioLevel().catch(nullAfter('reading our microphone level'));
      if (level !== null) return level;
    }
    return null;
  }

  close(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
    this.#early.clear();
  }
}

/** Marks the first hello and description each way, for the join trace (join-trace.ts). */
function markSignal(data: unknown, way: 'sent' | 'received'): void {
  const kind = typeof data === 'object' && data !== null ? (data as { kind?: unknown }).kind : undefined;
  if (kind === 'hello') markJoinStep(way === 'sent' ? 'hello-sent' : 'hello-received');
  else if (kind === 'description') markJoinStep(way === 'sent' ? 'offer-sent' : 'description-received');
}

/** A `.catch` that reports the failure and reads as "not known". */
const nullAfter =
  (scope: string) =>
  (err: unknown): null => {
    reportFailure(scope, err);
    return null;
  };

async function readReport(link: PeerLink): Promise<PeerReport | null> {
  try {
    const report = await link.getStats();
    return report ? { records: recordsOf(report), fingerprints: link.negotiatedFingerprints() } : null;
  } catch (err) {
    reportFailure('reading a link’s stats', err);
    return null;
  }
}
