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
import type { ChatSender } from '../chat-channel.js';
import { reportAs, reportFailure } from '../failures.js';
import type { MediaTopology, MediaTopologyEvents, PeerMediaPatch, PeerReport } from '../media-topology.js';
import type { SignalPayload } from '../negotiation.js';
import { createPeerLink, type PeerLink, type PeerLinkOptions } from '../peer-link.js';
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

export function createMeshTopology(o: MeshOptions): MediaTopology {
  const createLink = o.createLink ?? createPeerLink;
  const links = new Map<string, PeerLink>();
  const early = new Map<string, unknown[]>();
  /** Tracks swapped in with replaceTrack, by kind: new links must send these, not the stream's. */
  const replaced = new Map<string, MediaStreamTrack>();
  let screen: MediaStream | null = null;

  const screenEncoding = () => screenEncodingFor(o.callSize());
  const sendScreen = (peerId: string, link: PeerLink, stream: MediaStream | null) =>
    link.setScreen(stream, screenEncoding()).catch((err: unknown) => {
      // Only a share that does not reach someone is theirs to know about; a stop that failed changes nothing they see.
      if (stream) o.events.onScreenNotSent(peerId, err);
      else reportFailure('stopping the screen on a link', err);
    });

  function linkEvents(peerId: string): PeerLinkOptions['events'] {
    const media = (patch: PeerMediaPatch) => o.events.onPeerMedia(peerId, patch);
    return {
      onRemoteStream: (stream) => media({ stream }),
      onRemoteScreen: (shared) => media({ screen: shared }),
      // Connected means DTLS finished with the fingerprints of a MAC-verified description.
      onStateChange: (connection) => media(connection === 'connected' ? { connection, verification: 'verified' } : { connection }),
      onFileFrame: (frame) => o.events.onFileFrame(peerId, frame),
      onChatFrame: (frame) => o.events.onChatFrame(peerId, frame),
      onSecurityError: ({ kind, verified }) => {
        console.warn(`meriMeet: refused a ${kind} signal in the name of ${peerId}`);
        const problem = { kind, at: Date.now() };
        // Before any verified connection, refusing it means no media from this peer: say so.
        media(verified ? { securityProblem: problem } : { securityProblem: problem, verification: 'failed', connection: 'failed' });
      },
      onRemoteRestart: (hello) => {
        // Their new link cannot talk to our old one: start afresh, then give the new one their hello.
        closeLink(peerId);
        o.events.onPeerRestarted(peerId);
        openLink(peerId);
        void links.get(peerId)?.handleSignal(hello);
      },
      onIceServerError: (errorCode) => {
        // 401: the relay refused the credentials (expired, or a wrong secret). Other codes
        // (701: unreachable) come and go while a relay restarts; the watchdog handles those.
        if (errorCode === 401) o.events.onRelayRefused(peerId);
      },
    };
  }

  function openLink(peerId: string): void {
    const me = o.localId();
    if (links.has(peerId) || me === null || peerId === me) return;
    const link = createLink({
      meetingId: o.meetingId,
      localId: me,
      remoteId: peerId,
      iceServers: o.iceServers(),
      ...(o.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
      stream: o.stream,
      sdpMacKey: o.sdpMacKey,
      sendSignal: (data) => o.sendSignal(peerId, data),
      events: linkEvents(peerId),
    });
    links.set(peerId, link);
    for (const track of replaced.values()) void link.replaceTrack(track).catch(reportAs('sending a replaced track to a new link'));
    if (screen) void sendScreen(peerId, link, screen);
    const waiting = early.get(peerId);
    early.delete(peerId);
    for (const data of waiting ?? []) void link.handleSignal(data);
  }

  function closeLink(peerId: string): void {
    const link = links.get(peerId);
    links.delete(peerId);
    early.delete(peerId);
    link?.close();
  }

  function applyEncodings(): void {
    const video = replaced.get('video') ?? o.stream?.getVideoTracks()[0];
    const policy = videoEncodingFor(o.callSize(), video?.getSettings?.().height);
    for (const link of links.values()) void link.setVideoPolicy(policy).catch(reportAs('setting a link’s video encoding'));
    if (screen) for (const [id, link] of links) void sendScreen(id, link, screen);
  }

  async function readReport(link: PeerLink): Promise<PeerReport | null> {
    try {
      const report = await link.getStats();
      return report ? { records: recordsOf(report), fingerprints: link.negotiatedFingerprints() } : null;
    } catch (err) {
      reportFailure('reading a link’s stats', err);
      return null;
    }
  }

  /** Our own microphone's level, from the first link that can say (every link sends the same track). */
  async function localLevel(): Promise<number | null> {
    for (const link of links.values()) {
      const level = await link.getLocalAudioLevel().catch((err: unknown) => {
        reportFailure('reading our microphone level', err);
        return null;
      });
      if (level !== null) return level;
    }
    return null;
  }

  return {
    addPeer: openLink,
    removePeer: closeLink,
    removeAll() {
      for (const id of [...links.keys()]) closeLink(id);
    },
    has: (peerId) => links.has(peerId),
    handleSignal(from, data) {
      const link = links.get(from);
      if (link) return void link.handleSignal(data);
      // A signal can outrun the peerJoined that introduces its sender only in odd
      // orders (resume replays); keep a few until we know the peer.
      const queue = early.get(from) ?? [];
      if (queue.length < MAX_EARLY_SIGNALS) queue.push(data);
      early.set(from, queue);
    },
    setIceServers(servers) {
      for (const link of links.values()) link.setIceServers(servers);
    },
    restartIce(who) {
      if (who === 'unconnected') {
        for (const link of links.values()) if (link.state !== 'connected') link.restartIce();
        return;
      }
      for (const id of who) links.get(id)?.restartIce();
    },
    async replaceTrack(track) {
      replaced.set(track.kind, track);
      await Promise.all([...links.values()].map((l) => l.replaceTrack(track).catch(reportAs('replacing a track on a link'))));
      if (track.kind === 'video') applyEncodings();
    },
    async setScreen(stream) {
      screen = stream;
      await Promise.all([...links].map(([id, link]) => sendScreen(id, link, stream)));
    },
    applyEncodings,
    chatSenders: (): Iterable<ChatSender> => links.values(),
    filePipe: (peerId) => links.get(peerId)?.files ?? null,
    async readReports() {
      const entries = await Promise.all([...links].map(async ([id, link]) => [id, await readReport(link)] as const));
      const reports = new Map<string, PeerReport>();
      for (const [id, report] of entries) if (report) reports.set(id, report);
      return reports;
    },
    async readAudioLevels() {
      const remote = new Map<string, number | null>();
      const [local] = await Promise.all([
        localLevel(),
        ...[...links].map(async ([id, link]) =>
          remote.set(
            id,
            await link.getAudioLevel().catch((err: unknown) => {
              reportFailure('reading a peer’s audio level', err);
              return null;
            }),
          ),
        ),
      ]);
      return { local, remote };
    },
    close() {
      for (const link of links.values()) link.close();
      links.clear();
      early.clear();
    },
  };
}
