/**
 * How media and data flow between the people in a call. Today's topology is
 * the full mesh (mesh-topology.ts: one PeerLink per remote person); a
 * selective forwarding unit (SFU) is the second one to come. Admission, the
 * roster and the UI speak only this interface, so a second topology slots in
 * beside the mesh without touching them.
 *
 * The topology never changes CallState itself: it reports what it learns
 * through MediaTopologyEvents, and the engine decides what that means for
 * the state.
 */
import type { Participant } from './call-state.js';
import type { ChatSender } from './chat-channel.js';
import type { FramePipe } from './files/file-transfers.js';
import type { CertificateFingerprint } from './safety-code.js';
import type { StatsRecord } from './stats.js';

/** What a topology learns about one remote person's media (their stream, connection, verification…). */
export type PeerMediaPatch = Partial<Pick<Participant, 'stream' | 'screen' | 'connection' | 'verification' | 'safetyCode' | 'securityProblem' | 'cantDecrypt'>>;

export interface MediaTopologyEvents {
  onPeerMedia(peerId: string, patch: PeerMediaPatch): void;
  /** A raw frame from this person's chat channel (chat-channel.ts opens and checks it). */
  onChatFrame(peerId: string, frame: string): void;
  /** A raw frame for file transfers (files/file-transfers.ts validates it). */
  onFileFrame(peerId: string, frame: string | ArrayBuffer): void;
  /** A raw frame from this person's control channel (a recording notice; session/recording-notices.ts opens it). */
  onControlFrame(peerId: string, frame: string): void;
  /** The relay refused the TURN credentials this person's connection gathered with (ICE error 401). */
  onRelayRefused(peerId: string): void;
}

/** One person's connection figures, read together for stats and the safety code. */
export interface PeerReport {
  records: StatsRecord[];
  /** Both certificate fingerprints from the negotiated descriptions, when getStats has none (safety-code.ts). */
  fingerprints: { local: CertificateFingerprint; remote: CertificateFingerprint } | null;
  /** The topology reports this person's safety code itself (SFU: from the pairwise key agreement), so stats leave it alone. */
  safetyCodeFromTopology?: boolean;
}

export interface AudioLevels {
  /** Our microphone as sent, 0..1; null when nobody receives it yet. */
  local: number | null;
  /** Whether this browser reports our microphone's level at all; null (or absent) until known. */
  localMeasurable?: boolean | null;
  /** Each remote person's level, 0..1; null when not known yet. */
  remote: Map<string, number | null>;
}

export interface MediaTopology {
  /** Which topology this is: the session moves a meeting from the mesh to the SFU, never back. */
  readonly kind: 'mesh' | 'sfu';
  /** Someone the roster admitted: start exchanging media with them. */
  addPeer(peerId: string): void;
  /** Someone left: stop their media and forget them. */
  removePeer(peerId: string): void;
  /** Everyone goes at once (a new admission under a new peer id: every old connection is dead). */
  removeAll(): void;
  has(peerId: string): boolean;
  /** A `signal` relayed by the server from `from` (validated by the topology). */
  handleSignal(from: string, data: unknown): void;
  /** Fresh TURN credentials, for every connection. */
  setIceServers(servers: RTCIceServer[]): void;
  /** Renegotiates ICE for these people, or for everyone whose connection is not up. */
  restartIce(who: Iterable<string> | 'unconnected'): void;
  /** A new camera or microphone track, for everyone (and for those who come later). */
  replaceTrack(track: MediaStreamTrack): Promise<void>;
  /** Shares this screen with everyone (and those who come later), or stops (null). */
  setScreen(stream: MediaStream | null): Promise<void>;
  /** The call changed size (or the camera did): encodings follow. */
  applyEncodings(): void;
  /** Where a chat frame goes: one sender per person. */
  chatSenders(): Iterable<ChatSender>;
  /** Sends a control frame straight to everyone connected (no server on the way); returns how many it reached. */
  sendControl(frame: string): number;
  /** The data pipe for files to and from this person, or null. */
  filePipe(peerId: string): FramePipe | null;
  /** Stats for each person whose connection can say. */
  readReports(): Promise<Map<string, PeerReport>>;
  readAudioLevels(): Promise<AudioLevels>;
  /** The call ended: every connection closes. */
  close(): void;
}
