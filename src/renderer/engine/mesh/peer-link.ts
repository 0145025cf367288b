/**
 * One RTCPeerConnection to one remote participant: perfect negotiation (the
 * decisions are in negotiation.ts), SDP MACs (sdp-mac.ts), the ICE watchdog,
 * the `chat` data channel, sender encodings, a shared screen (a second video
 * track on its own stream and transceivers), and a window on stats and audio
 * levels. The call engine creates links through a factory so its own tests
 * can use fakes; this file is exercised for real in Chromium end-to-end.
 */
import type { PeerConnectionState } from '../call-state.js';
import { AUDIO_MAX_BITRATE, RAMP_UP_MS, startingPolicy, type VideoEncodingPolicy } from '../bitrate-policy.js';
import {
  CONNECT_TIMEOUT_MS,
  DISCONNECTED_RESTART_MS,
  decideOnDescription,
  iceAction,
  isPolite,
  linkStateFor,
  parseSignal,
  shouldReportCandidateError,
  type SignalPayload,
} from '../negotiation.js';
import {
  newLinkNonce,
  signDescription,
  signHello,
  staleness,
  verifyDescription,
  verifyHello,
  type SignalParties,
} from '../sdp-mac.js';
import { remoteTrackRole, screenEncodingsMatch, type ScreenEncodingPolicy } from '../screen-share.js';
import { descriptionFingerprints, type CertificateFingerprint } from '../safety-code.js';
import { audioEnergyOf, levelFromEnergy, recordsOf, type AudioEnergy } from '../stats.js';
import type { FramePipe } from '../files/file-transfers.js';

/** Largest chat frame we accept from a data channel (the envelope of a 4,000-character message fits easily). */
export const MAX_CHAT_FRAME = 32 * 1024;
/** Chat frames kept for a peer whose chat channel is not open yet. */
const MAX_CHAT_BACKLOG = 100;
/** Largest text frame on the files channel (a sealed control message). */
const MAX_FILE_CONTROL_FRAME = 16 * 1024;
/** The files channel wakes a waiting sender when its buffer falls to this. */
const FILES_LOW_WATER_BYTES = 256 * 1024;

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
  close(): void;
}

export function createPeerLink(o: PeerLinkOptions): PeerLink {
  const config: RTCConfiguration = { iceServers: o.iceServers, iceTransportPolicy: o.iceTransportPolicy ?? 'all', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
  const pc = o.createPeerConnection ? o.createPeerConnection(config) : new RTCPeerConnection(config);
  const polite = isPolite(o.localId, o.remoteId);
  // Freshness of what we exchange (sdp-mac.ts): our nonce, the peer's, sequence numbers both ways.
  const localNonce = newLinkNonce();
  let remoteNonce: string | null = null;
  let sendSeq = 0;
  let lastSeq = 0;
  /** A MAC-verified description has been applied: what media flows is the peer's. */
  let verified = false;
  const outgoing: SignalParties = { meetingId: o.meetingId, from: o.localId, to: o.remoteId };
  const incoming: SignalParties = { meetingId: o.meetingId, from: o.remoteId, to: o.localId };

  let makingOffer = false;
  let ignoreOffer = false;
  let isSettingRemoteAnswerPending = false;
  let closed = false;
  let restarts = 0;
  let disconnectedSince: number | null = null;
  let disconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let state: PeerConnectionState = 'connecting';
  let policy: VideoEncodingPolicy | null = null;
  let remoteStream: MediaStream | null = null;
  /** What we send, by kind: the stream's tracks, or what replaceTrack swapped in. */
  const localTracks = new Map<string, MediaStreamTrack>();
  for (const track of o.stream?.getTracks() ?? []) if (!localTracks.has(track.kind)) localTracks.set(track.kind, track);
  let attached = false;
  /** The screen we share, its encoding, and the transceivers it goes out on (kept and reused when sharing again). */
  let localScreen: MediaStream | null = null;
  let screenEncoding: ScreenEncodingPolicy | null = null;
  const screenTransceivers = new Map<string, RTCRtpTransceiver>();
  /**
   * The stream the screen is announced under (`a=msid`): one per link, kept
   * across shares. Re-labelling the reused transceiver with each capture's
   * own stream (setStreams) left the viewer without the second share in
   * Chromium 156 (screen-share.spec); a stable label does not depend on it.
   */
  let screenLabel: MediaStream | null = null;
  const isScreenSender = (sender: RTCRtpSender) => [...screenTransceivers.values()].some((t) => t.sender === sender);
  /** The peer's screen: the stream id its last verified description claimed, the stream once its tracks came, and whether it is shown. */
  let remoteScreenId: string | null = null;
  let remoteScreen: MediaStream | null = null;
  let remoteSharing = false;
  const remoteScreenTracks = new Set<MediaStreamTrack>();
  let chat: RTCDataChannel | null = null;
  /** Chat frames written before the chat channel opened: sent, in order, when it does. */
  const chatBacklog: string[] = [];
  let files: RTCDataChannel | null = null;
  let connectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Until RAMP_UP_MS after first connecting, video is sent at startingPolicy(): the first frame comes sooner. */
  let rampedUp = false;
  let rampTimer: ReturnType<typeof setTimeout> | null = null;
  /** The audio counters at the previous getAudioLevel(). */
  let lastEnergy: AudioEnergy | null = null;
  /** Our microphone's counters at the previous getLocalAudioLevel. */
  let lastLocalEnergy: AudioEnergy | null = null;
  // Outgoing and incoming signals each go through a chain: signing and MAC checks are
  // async, and a candidate must never overtake the description it belongs to.
  let outChain: Promise<void> = Promise.resolve();
  let inChain: Promise<void> = Promise.resolve();

  const send = (make: () => Promise<SignalPayload | null>) => {
    outChain = outChain
      .then(async () => {
        const data = await make();
        if (data && !closed) o.sendSignal(data);
      })
      .catch(() => {
        /* a failed signature means a closed link or a broken key; nothing to send */
      });
    return outChain;
  };

  const sendLocalDescription = () =>
    send(async () => {
      const d = pc.localDescription;
      // No peer nonce yet: nothing we could send would be accepted; the hello triggers the offer.
      if (!d || remoteNonce === null) return null;
      // Claimed for as long as the sections exist, shared or not: the SDP says whether they send, and a
      // claim that followed localScreen instead could miss an offer made just before a share stopped.
      const screen = screenLabel?.id ?? null;
      const claim = { type: d.type, sdp: d.sdp, nonce: localNonce, peerNonce: remoteNonce, seq: ++sendSeq, screen };
      const mac = await signDescription(o.sdpMacKey, outgoing, claim);
      return { kind: 'description', description: { type: d.type, sdp: d.sdp }, nonce: localNonce, peerNonce: remoteNonce, seq: claim.seq, screen, mac };
    });

  const sendHello = () =>
    send(async () => ({ kind: 'hello', nonce: localNonce, mac: await signHello(o.sdpMacKey, outgoing, localNonce) }));

  // ---- Local media and the chat channel ----
  // Only one side of a pair makes the first offer (the impolite one, see
  // negotiation.ts): the other adds its media and channel once that offer is
  // applied, so its tracks ride in the answer on the offer's transceivers. If
  // both offered at once, the two offers would always collide.
  function attachLocal(): void {
    if (attached || closed) return;
    attached = true;
    for (const track of localTracks.values()) sendTrack(track);
    // After the camera, so the camera's transceivers come first on both ends.
    if (localScreen) void applyScreen();
    // Negotiated with a fixed id: both ends create it, no in-band announcement needed.
    chat = pc.createDataChannel('chat', { negotiated: true, id: 0, ordered: true });
    chat.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string' && ev.data.length <= MAX_CHAT_FRAME) o.events.onChatFrame(ev.data);
    };
    chat.onopen = () => {
      for (const frame of chatBacklog.splice(0)) chat?.send(frame);
    };
    // A channel of its own, so a big file never queues in front of chat.
    files = pc.createDataChannel('files', { negotiated: true, id: 1, ordered: true });
    files.binaryType = 'arraybuffer';
    files.bufferedAmountLowThreshold = FILES_LOW_WATER_BYTES;
    files.onmessage = (ev: MessageEvent) => {
      const data: unknown = ev.data;
      if ((typeof data === 'string' && data.length <= MAX_FILE_CONTROL_FRAME) || data instanceof ArrayBuffer) o.events.onFileFrame?.(data);
    };
  }

  /**
   * Sends a camera or microphone track on a transceiver of its own kind.
   * addTrack takes the first idle transceiver of that kind, which can be the
   * one a peer's screen arrives on (when they have no camera): the peer's end
   * of that one only sends, so our camera would never reach them. Then we
   * open a new transceiver instead.
   */
  function sendTrack(track: MediaStreamTrack): void {
    const reused = pc
      .getTransceivers()
      .find((t) => t.receiver.track.kind === track.kind && t.sender.track === null && t.direction === 'recvonly' && t.currentDirection !== 'stopped');
    if (reused && remoteScreenTracks.has(reused.receiver.track)) {
      pc.addTransceiver(track, { direction: 'sendrecv', streams: o.stream ? [o.stream] : [] });
    } else if (o.stream) pc.addTrack(track, o.stream);
    else pc.addTrack(track);
  }

  /** Resolves when the files channel's buffer is low again (or it closed): the sender's backpressure. */
  function filesDrained(): Promise<void> {
    const ch = files;
    if (!ch || ch.readyState !== 'open' || ch.bufferedAmount <= ch.bufferedAmountLowThreshold) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        ch.removeEventListener('bufferedamountlow', done);
        ch.removeEventListener('close', done);
        resolve();
      };
      ch.addEventListener('bufferedamountlow', done);
      ch.addEventListener('close', done);
    });
  }

  // ---- Perfect negotiation ----
  pc.onnegotiationneeded = async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      await sendLocalDescription();
    } catch {
      // Raced with an incoming offer; negotiationneeded fires again when due.
    } finally {
      makingOffer = false;
    }
  };
  pc.onicecandidate = ({ candidate }) => {
    // End-of-candidates (null) is optional; we skip it.
    if (!candidate) return;
    const c = candidate.toJSON();
    send(async () => ({
      kind: 'candidate',
      candidate: {
        candidate: c.candidate ?? '',
        sdpMid: c.sdpMid ?? null,
        sdpMLineIndex: c.sdpMLineIndex ?? null,
        usernameFragment: c.usernameFragment ?? null,
      },
    }));
  };

  async function onSignal(data: unknown): Promise<void> {
    if (closed) return;
    const msg = parseSignal(data);
    if (!msg) return; // not one of ours: drop (the engine counts)
    if (msg.kind === 'candidate') {
      if (!msg.candidate) return;
      try {
        await pc.addIceCandidate(msg.candidate);
      } catch (err) {
        if (shouldReportCandidateError(ignoreOffer) && !closed) console.warn('meriMeet: remote ICE candidate refused', err);
      }
      return;
    }
    if (msg.kind === 'hello') {
      const ok = await verifyHello(o.sdpMacKey, incoming, msg.nonce, msg.mac);
      if (closed) return;
      if (!ok) return o.events.onSecurityError({ kind: 'forged', verified });
      if (remoteNonce === msg.nonce) return; // sent again while connecting
      if (remoteNonce !== null) return o.events.onRemoteRestart(data); // a new link on their side: ours must go too
      remoteNonce = msg.nonce;
      if (!polite) attachLocal(); // negotiationneeded → our first offer
      return;
    }
    const { description, mac } = msg;
    if (description.type === 'rollback') return;
    // Check the MAC and freshness before anything touches the connection.
    const claim = { type: description.type, sdp: description.sdp, nonce: msg.nonce, peerNonce: msg.peerNonce, seq: msg.seq, screen: msg.screen ?? null };
    const ok = await verifyDescription(o.sdpMacKey, incoming, claim, mac);
    if (closed) return;
    if (!ok) return o.events.onSecurityError({ kind: 'forged', verified });
    if (staleness({ localNonce, remoteNonce, lastSeq }, claim) !== null) return o.events.onSecurityError({ kind: 'replayed', verified });
    lastSeq = msg.seq;
    const decision = decideOnDescription(description.type, {
      polite,
      makingOffer,
      isSettingRemoteAnswerPending,
      signalingState: pc.signalingState,
    });
    if (decision.action === 'ignore') {
      ignoreOffer = decision.ignoreOffer;
      return;
    }
    ignoreOffer = false;
    isSettingRemoteAnswerPending = description.type === 'answer';
    // Before applying it: ontrack fires inside setRemoteDescription and must know which stream is the screen.
    remoteScreenId = claim.screen;
    try {
      // For the polite peer in glare this implicitly rolls back our own offer.
      await pc.setRemoteDescription(description);
      verified = true;
    } finally {
      isSettingRemoteAnswerPending = false;
    }
    // A share that stopped: its sections went inactive, which takes its tracks out of the stream.
    const sharing = remoteScreen !== null && remoteScreen.id === remoteScreenId && remoteScreen.getVideoTracks().length > 0;
    if (remoteSharing && !sharing) {
      remoteSharing = false;
      o.events.onRemoteScreen?.(null);
    }
    if (decision.answer) {
      if (!attached) {
        attachLocal();
        if (policy) await applyPolicy(policy); // the answer then starts with the right encodings
      }
      await pc.setLocalDescription();
      await sendLocalDescription();
    }
  }

  // ---- ICE watchdog ----
  const setState = (next: PeerConnectionState) => {
    if (next === state || closed) return;
    state = next;
    o.events.onStateChange(next);
  };
  const restart = () => {
    if (closed || !attached) return; // not attached: we are waiting for the other side's first offer
    restarts++;
    // An offer still waiting for its answer (lost on the way?) is sent again;
    // otherwise restartIce fires negotiationneeded → an offer with new ICE credentials.
    if (pc.signalingState === 'have-local-offer') void sendLocalDescription();
    pc.restartIce();
    // A restart that gets nowhere (the relay was still down, an offer lost) is retried
    // after CONNECT_TIMEOUT_MS, even if the state never moves on to 'failed'.
    armConnectTimer();
  };
  // A first connection that never gets anywhere (an offer or answer lost while
  // the socket was down, a peer that was slow to learn of us) is retried.
  const armConnectTimer = () => {
    if (connectTimer) clearTimeout(connectTimer);
    connectTimer = setTimeout(() => {
      connectTimer = null;
      if (closed || pc.connectionState === 'connected') return;
      void sendHello(); // in case ours was lost; the peer ignores a hello it already has
      restart();
      armConnectTimer();
    }, CONNECT_TIMEOUT_MS);
  };
  armConnectTimer();
  const watch = () => {
    if (closed) return;
    const ice = pc.connectionState;
    if (ice === 'connected') {
      restarts = 0;
      if (connectTimer) clearTimeout(connectTimer);
      connectTimer = null;
      disconnectedSince = null;
      if (disconnectTimer) clearTimeout(disconnectTimer);
      disconnectTimer = null;
      if (policy) void applyPolicy(policy); // encodings may only be settable once negotiated
      void applyScreenEncoding();
      if (!rampedUp && !rampTimer) {
        rampTimer = setTimeout(() => {
          rampedUp = true;
          if (policy && !closed) void applyPolicy(policy);
        }, RAMP_UP_MS);
      }
    }
    if (ice === 'disconnected' && disconnectedSince === null) {
      disconnectedSince = Date.now();
      disconnectTimer = setTimeout(() => {
        disconnectTimer = null;
        if (iceAction(pc.connectionState, disconnectedSince === null ? null : Date.now() - disconnectedSince) === 'restart') restart();
      }, DISCONNECTED_RESTART_MS);
    }
    if (ice !== 'disconnected' && ice !== 'connected') disconnectedSince = null;
    if (iceAction(ice, null) === 'restart') restart();
    setState(linkStateFor(ice, restarts));
  };
  pc.onconnectionstatechange = watch;
  pc.onicecandidateerror = (ev: Event) => {
    const e = ev as RTCPeerConnectionIceErrorEvent;
    if (!closed) o.events.onIceServerError?.(e.errorCode, e.url);
  };
  pc.oniceconnectionstatechange = () => {
    // Some failures show up on the ICE state first.
    if (pc.iceConnectionState === 'failed' && pc.connectionState !== 'failed') restart();
  };

  // Our end of the link, announced; the impolite side attaches (and offers) when the peer's hello arrives.
  void sendHello();

  pc.ontrack = (ev: RTCTrackEvent) => {
    if (closed) return;
    const labelled = ev.streams[0];
    const role = remoteTrackRole(labelled?.id, remoteScreenId, remoteStream?.id);
    if (role === 'ignore') return;
    if (role === 'screen' && labelled) {
      remoteScreen = labelled;
      remoteScreenTracks.add(ev.track);
      if (ev.track.kind === 'video') {
        remoteSharing = true;
        o.events.onRemoteScreen?.(labelled);
      }
      return;
    }
    const stream = labelled ?? remoteStream ?? new MediaStream();
    if (!ev.streams[0] && !stream.getTracks().includes(ev.track)) stream.addTrack(ev.track);
    remoteStream = stream;
    o.events.onRemoteStream(stream);
  };

  // ---- Sender encodings ----
  async function applyPolicy(full: VideoEncodingPolicy): Promise<void> {
    const p = rampedUp ? full : startingPolicy(full);
    for (const sender of pc.getSenders()) {
      const kind = sender.track?.kind;
      if (!kind || isScreenSender(sender)) continue;
      const params = sender.getParameters();
      if (!params.encodings || params.encodings.length === 0) continue; // not negotiated yet; retried on 'connected'
      const already = params.encodings.every((enc) =>
        kind === 'video'
          ? enc.maxBitrate === p.maxBitrate && enc.maxFramerate === p.maxFramerate && enc.scaleResolutionDownBy === p.scaleResolutionDownBy
          : enc.maxBitrate === AUDIO_MAX_BITRATE,
      );
      // Setting the same values again still reconfigures the encoder, which can cost the first frame.
      if (already) continue;
      for (const enc of params.encodings) {
        if (kind === 'video') {
          enc.maxBitrate = p.maxBitrate;
          enc.maxFramerate = p.maxFramerate;
          enc.scaleResolutionDownBy = p.scaleResolutionDownBy;
        } else {
          enc.maxBitrate = AUDIO_MAX_BITRATE;
        }
      }
      try {
        await sender.setParameters(params);
      } catch {
        /* parameters changed under us (renegotiation); the next change or 'connected' re-applies */
      }
    }
  }

  // ---- The shared screen ----
  /** Puts localScreen's tracks on our screen transceivers (adding them the first time), or parks them. */
  async function applyScreen(): Promise<void> {
    if (!attached || closed) return;
    const stream = localScreen;
    for (const kind of ['video', 'audio'] as const) {
      const track = stream?.getTracks().find((t) => t.kind === kind) ?? null;
      const transceiver = screenTransceivers.get(kind);
      if (!stream || !track) {
        // Inactive, not removed: the next share reuses it instead of growing the SDP by a section each time.
        if (transceiver && transceiver.direction !== 'inactive') {
          transceiver.direction = 'inactive';
          await transceiver.sender.replaceTrack(null);
        }
        continue;
      }
      if (!transceiver) {
        screenLabel ??= new MediaStream();
        const init: RTCRtpTransceiverInit = { direction: 'sendonly', streams: [screenLabel] };
        if (kind === 'video' && screenEncoding) init.sendEncodings = [{ maxBitrate: screenEncoding.maxBitrate, maxFramerate: screenEncoding.maxFramerate, scaleResolutionDownBy: 1 }];
        screenTransceivers.set(kind, pc.addTransceiver(track, init));
      } else {
        transceiver.direction = 'sendonly';
        await transceiver.sender.replaceTrack(track);
      }
    }
    await applyScreenEncoding();
  }

  async function applyScreenEncoding(): Promise<void> {
    const sender = screenTransceivers.get('video')?.sender;
    const p = screenEncoding;
    if (!sender?.track || !p || closed) return;
    const params = sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: string };
    if (!params.encodings || params.encodings.length === 0) return; // not negotiated yet; retried on 'connected'
    if (screenEncodingsMatch(params.encodings, p) && params.degradationPreference === p.degradationPreference) return;
    for (const enc of params.encodings) {
      enc.maxBitrate = p.maxBitrate;
      enc.maxFramerate = p.maxFramerate;
      enc.scaleResolutionDownBy = p.scaleResolutionDownBy;
    }
    // A screen shows text: drop frames, never resolution, when the network is short.
    params.degradationPreference = p.degradationPreference;
    try {
      await sender.setParameters(params);
    } catch {
      /* parameters changed under us (renegotiation); the next change or 'connected' re-applies */
    }
  }

  return {
    remoteId: o.remoteId,
    get state() {
      return state;
    },
    handleSignal(data) {
      inChain = inChain.then(() => onSignal(data)).catch((err) => {
        if (!closed) console.warn('meriMeet: signal from peer not applied', err);
      });
      return inChain;
    },
    sendChat(frame) {
      if (closed) return false;
      if (chat?.readyState === 'open') {
        chat.send(frame);
        return true;
      }
      // Someone who just joined shows before their channel opens; what is written to them meanwhile waits.
      if ((chat === null || chat.readyState === 'connecting') && chatBacklog.length < MAX_CHAT_BACKLOG) {
        chatBacklog.push(frame);
        return true;
      }
      return false;
    },
    files: {
      get open() {
        return !closed && files?.readyState === 'open';
      },
      get bufferedAmount() {
        return files?.bufferedAmount ?? 0;
      },
      send(data) {
        if (closed || !files || files.readyState !== 'open') return false;
        try {
          if (typeof data === 'string') files.send(data);
          else files.send(data);
          return true;
        } catch {
          return false; // the channel closed under us
        }
      },
      drained: filesDrained,
    },
    async replaceTrack(track) {
      localTracks.set(track.kind, track);
      if (!attached) return; // attachLocal sends it
      const sender = pc.getSenders().find((s) => s.track?.kind === track.kind && !isScreenSender(s));
      if (sender) await sender.replaceTrack(track);
      else sendTrack(track); // a kind we did not send before: renegotiates
      if (policy) await applyPolicy(policy);
    },
    async setScreen(stream, encoding) {
      screenEncoding = encoding;
      if (stream === localScreen) return applyScreenEncoding();
      localScreen = stream;
      await applyScreen(); // not attached yet: attachLocal does it
    },
    async setVideoPolicy(p) {
      policy = p;
      await applyPolicy(p);
    },
    setIceServers(servers) {
      if (closed) return;
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers: servers });
      } catch {
        /* some fields cannot change; the old servers still work until their credentials expire */
      }
    },
    restartIce: restart,
    async getStats() {
      if (closed) return null;
      return pc.getStats();
    },
    negotiatedFingerprints() {
      const local = pc.currentLocalDescription?.sdp;
      const remote = pc.currentRemoteDescription?.sdp;
      if (closed || pc.connectionState !== 'connected' || !local || !remote) return null;
      return descriptionFingerprints(local, remote);
    },
    async getAudioLevel() {
      // The person's microphone, not the sound of a screen they share.
      const receiver = closed ? undefined : pc.getReceivers().find((r) => r.track.kind === 'audio' && !remoteScreenTracks.has(r.track));
      if (!receiver) return null;
      const next = audioEnergyOf(recordsOf(await receiver.getStats()), 'inbound-rtp');
      const level = levelFromEnergy(lastEnergy, next);
      lastEnergy = next;
      return level;
    },
    async getLocalAudioLevel() {
      // Our microphone as this link sends it (not a shared screen's sound).
      const sender = closed ? undefined : pc.getSenders().find((s) => s.track?.kind === 'audio' && !isScreenSender(s));
      if (!sender) return null;
      const next = audioEnergyOf(recordsOf(await sender.getStats()), 'media-source');
      const level = levelFromEnergy(lastLocalEnergy, next);
      lastLocalEnergy = next;
      return level;
    },
    close() {
      if (closed) return;
      closed = true;
      if (disconnectTimer) clearTimeout(disconnectTimer);
      if (connectTimer) clearTimeout(connectTimer);
      if (rampTimer) clearTimeout(rampTimer);
      if (chat) chat.onmessage = chat.onopen = null;
      chatBacklog.length = 0;
      if (files) files.onmessage = null;
      pc.onnegotiationneeded = null;
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.onconnectionstatechange = null;
      pc.oniceconnectionstatechange = null;
      pc.onicecandidateerror = null;
      pc.close();
    },
  };
}
