/**
 * One RTCPeerConnection to one remote participant, in the full mesh: this
 * file composes the link from its parts, each with one job and its own
 * dispose():
 *   - link-signals.ts: the signed hello, descriptions and candidates, both ways (SDP MACs, sdp-mac.ts);
 *   - link-negotiation.ts: perfect negotiation's effects (the decisions are in negotiation.ts);
 *   - ice-watchdog.ts: connect and restart timers, the state people see;
 *   - link-channels.ts: the `chat` and `files` data channels;
 *   - link-media.ts: camera and microphone, sent and received;
 *   - link-screen.ts: a shared screen (a second video track on its own stream and transceivers), both ways;
 *   - sender-encodings.ts: what the senders may send;
 *   - link-levels.ts: audio levels.
 * The call engine creates links through a factory so its own tests can use
 * fakes; the parts have unit tests against fakes, and the whole link is
 * exercised for real in Chromium end-to-end.
 */
import type { PeerConnectionState } from '../call-state.js';
import type { VideoEncodingPolicy } from '../bitrate-policy.js';
import { isPolite, type SignalPayload } from '../negotiation.js';
import type { ScreenEncodingPolicy } from '../screen-share.js';
import { descriptionFingerprints, type CertificateFingerprint } from '../safety-code.js';
import type { FramePipe } from '../files/file-transfers.js';
import { createIceWatchdog } from './ice-watchdog.js';
import { createLinkChannels } from './link-channels.js';
import { createLinkLevels } from './link-levels.js';
import { createLinkMedia } from './link-media.js';
import { createLinkNegotiation } from './link-negotiation.js';
import { createLocalScreen, createRemoteScreen } from './link-screen.js';
import { createLinkSignals } from './link-signals.js';
import { createCameraEncodings } from './sender-encodings.js';
import { reportFailure } from '../failures.js';

/** Largest chat frame we accept from a data channel (the envelope of a 4,000-character message fits easily). */
export { MAX_CHAT_FRAME } from './link-channels.js';

export interface PeerLinkEvents {
  /** Remote media arrived or changed (same stream object, new tracks). */
  onRemoteStream(stream: MediaStream): void;
  /** The peer's shared screen arrived (its stream), or they stopped sharing (null). */
  onRemoteScreen?(stream: MediaStream | null): void;
  onStateChange(state: PeerConnectionState): void;
  /** A raw frame from the chat data channel, not yet decrypted or validated. */
  onChatFrame(frame: string): void;
  /** A raw frame from the files data channel (files/file-transfers.ts validates it). */
  onFileFrame?(frame: string | ArrayBuffer): void;
  /** A raw frame from the control data channel (recording notices), not yet opened. */
  onControlFrame?(frame: string): void;
  /**
   * A signal claiming to be from this peer was refused: `forged` (its MAC did
   * not verify: altered, re-addressed or invented on the way) or `replayed`
   * (authentic but old). `verified` says whether this link had already
   * connected on verified details (the call then goes on as it was).
   */
  onSecurityError(problem: SecurityProblem): void;
  /** The peer started a new link to us (a signed hello with a new nonce): replace ours, then hand it `hello`. */
  onRemoteRestart(hello: unknown): void;
  /** The connection's DTLS certificates, once connected: for the safety code. */
  onCertificates?(local: string, remote: string): void;
  /** A STUN/TURN server answered with an error (RTCPeerConnectionIceErrorEvent): 401 means refused credentials. */
  onIceServerError?(errorCode: number, url: string): void;
}

export interface SecurityProblem {
  kind: 'forged' | 'replayed';
  /** The link had already connected on verified details. */
  verified: boolean;
}

export interface PeerLinkOptions {
  meetingId: string;
  localId: string;
  remoteId: string;
  iceServers: RTCIceServer[];
  /** 'relay': only TURN-relayed candidates (hides this computer's addresses from the other side). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The caller's stream; its tracks are sent (the link never stops them). */
  stream: MediaStream | null;
  /** HMAC key from deriveSdpMacKey(e2eKey). */
  sdpMacKey: CryptoKey;
  /** Send `data` to the remote peer through the signaling server. */
  sendSignal(data: SignalPayload): void;
  events: PeerLinkEvents;
  /** Injection point for tests; defaults to `new RTCPeerConnection`. */
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
}

export interface PeerLink {
  readonly remoteId: string;
  readonly state: PeerConnectionState;
  /** The opaque `data` of a `signal` from this peer; validated here. */
  handleSignal(data: unknown): Promise<void>;
  /** False if the channel is not open yet. */
  sendChat(frame: string): boolean;
  /** A sealed recording notice on the control channel; false if it is not open. */
  sendControl(frame: string): boolean;
  /** The `files` data channel (file transfers; binary chunks and sealed control messages). */
  readonly files: FramePipe;
  replaceTrack(track: MediaStreamTrack): Promise<void>;
  /**
   * Sends this screen (its video, and its audio if any) next to the camera,
   * or stops sending it (null). The link never stops the tracks. Calling it
   * again with the same stream only applies a new encoding.
   */
  setScreen(stream: MediaStream | null, encoding: ScreenEncodingPolicy): Promise<void>;
  setVideoPolicy(policy: VideoEncodingPolicy): Promise<void>;
  /** Fresh TURN credentials after a resume. */
  setIceServers(servers: RTCIceServer[]): void;
  restartIce(): void;
  getStats(): Promise<RTCStatsReport | null>;
  /** Both certificate fingerprints from the negotiated descriptions, once connected (safety-code.ts says why); else null. */
  negotiatedFingerprints(): { local: CertificateFingerprint; remote: CertificateFingerprint } | null;
  /** This peer's audio level (0..1, RMS) since the previous call; null when not known yet. */
  getAudioLevel(): Promise<number | null>;
  /** Our own microphone's level as sent on this link (0..1, RMS) since the previous call; null when not known yet. */
  getLocalAudioLevel(): Promise<number | null>;
  /** Whether this browser reports our microphone's level (link-levels.ts); null until known. */
  localLevelMeasurable(): boolean | null;
  close(): void;
}

export function createPeerLink(o: PeerLinkOptions): PeerLink {
  const config: RTCConfiguration = { iceServers: o.iceServers, iceTransportPolicy: o.iceTransportPolicy ?? 'all', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
  const pc = o.createPeerConnection ? o.createPeerConnection(config) : new RTCPeerConnection(config);
  const polite = isPolite(o.localId, o.remoteId);
  let closed = false;

  const remoteScreen = createRemoteScreen((stream) => o.events.onRemoteScreen?.(stream));
  const screen = createLocalScreen(pc, () => media.attached);
  const camera = createCameraEncodings(() => pc.getSenders().filter((s) => !screen.isSender(s)));
  const media = createLinkMedia({
    pc,
    stream: o.stream,
    remoteScreen,
    isScreenSender: screen.isSender,
    onRemoteStream: (s) => o.events.onRemoteStream(s),
    initialVideoEncoding: camera.initial,
  });
  const channels = createLinkChannels(pc, o.events);
  const levels = createLinkLevels({ pc, isScreenTrack: remoteScreen.has, isScreenSender: screen.isSender });

  // ---- Local media and the channels ----
  // Only one side of a pair makes the first offer (the impolite one, see
  // negotiation.ts): the other adds its media and channel once that offer is
  // applied, so its tracks ride in the answer on the offer's transceivers. If
  // both offered at once, the two offers would always collide.
  function attachLocal(): void {
    if (media.attached || closed) return;
    media.attach();
    // After the camera, so the camera's transceivers come first on both ends.
    if (screen.sharing) void screen.apply();
    channels.open();
  }

  const signals = createLinkSignals({
    meetingId: o.meetingId,
    localId: o.localId,
    remoteId: o.remoteId,
    sdpMacKey: o.sdpMacKey,
    sendSignal: (data) => o.sendSignal(data),
    localDescription: () => pc.localDescription,
    screenLabel: () => screen.label,
    onHello: () => {
      if (!polite) attachLocal(); // negotiationneeded → our first offer
    },
    onDescription: (description, claimedScreen) => negotiation.applyDescription(description, claimedScreen),
    onCandidate: (candidate) => negotiation.addCandidate(candidate),
    onSecurityError: (problem) => o.events.onSecurityError(problem),
    onRemoteRestart: (hello) => o.events.onRemoteRestart(hello),
  });
  const negotiation = createLinkNegotiation({
    pc,
    polite,
    signals,
    beforeApply: remoteScreen.claim,
    afterApply: remoteScreen.descriptionApplied,
    beforeAnswer: async () => {
      if (media.attached) return;
      attachLocal();
      await camera.reapply(); // the answer then starts with the right encodings
    },
  });
  const watchdog = createIceWatchdog({
    pc,
    canRestart: () => media.attached,
    resendOffer: () => void signals.sendLocalDescription(),
    onConnectTimeout: () => void signals.sendHello(),
    onConnected: () => {
      camera.connected();
      void screen.applyEncoding();
    },
    onStateChange: (state) => o.events.onStateChange(state),
  });
  pc.onicecandidateerror = (ev: Event) => {
    const e = ev as RTCPeerConnectionIceErrorEvent;
    if (!closed) o.events.onIceServerError?.(e.errorCode, e.url);
  };
  pc.ontrack = media.onTrack;

  // Our end of the link, announced; the impolite side attaches (and offers) when the peer's hello arrives.
  void signals.sendHello();

  return {
    remoteId: o.remoteId,
    get state() {
      return watchdog.state;
    },
    handleSignal: signals.receive,
    sendChat: channels.sendChat,
    sendControl: channels.sendControl,
    files: channels.files,
    async replaceTrack(track) {
      if (await media.replaceTrack(track)) await camera.reapply();
    },
    setScreen: screen.set,
    setVideoPolicy: camera.set,
    ...connectionWindow(pc, () => closed),
    restartIce: watchdog.restart,
    getAudioLevel: levels.remote,
    getLocalAudioLevel: levels.local,
    localLevelMeasurable: levels.localMeasurable,
    close() {
      if (closed) return;
      closed = true;
      for (const part of [watchdog, camera, channels, negotiation, signals, media, screen, levels]) part.dispose();
      pc.ontrack = null;
      pc.onicecandidateerror = null;
      pc.close();
    },
  };
}

/** What a link lets the engine see and change of the connection itself. */
function connectionWindow(pc: RTCPeerConnection, closed: () => boolean): Pick<PeerLink, 'setIceServers' | 'getStats' | 'negotiatedFingerprints'> {
  return {
    setIceServers(servers) {
      if (closed()) return;
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers: servers });
      } catch (err) {
        /* some fields cannot change; the old servers still work until their credentials expire */
        reportFailure('changing a link’s ICE servers', err);
      }
    },
    async getStats() {
      if (closed()) return null;
      return pc.getStats();
    },
    negotiatedFingerprints() {
      const local = pc.currentLocalDescription?.sdp;
      const remote = pc.currentRemoteDescription?.sdp;
      if (closed() || pc.connectionState !== 'connected' || !local || !remote) return null;
      return descriptionFingerprints(local, remote);
    },
  };
}
