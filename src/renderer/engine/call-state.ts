/**
 * The contract between the call engine (engine/) and the interface (ui/):
 * the engine owns a CallState and publishes every change; the UI renders it
 * and calls CallEngine methods. The UI never touches RTCPeerConnection or the
 * socket; the engine never touches the DOM beyond media elements it is handed.
 */
import type { MeetingKeys } from '../../common/crypto/meeting-keys.js';
import type { FileTransfer } from './files/file-transfers.js';
import type { RecordingNotice } from './recording/recording-notice.js';

export type { FileTransfer, TransferError, TransferState } from './files/file-transfers.js';

/** Where this client is with the meeting, as the user should see it. */
export type CallPhase =
  | 'idle' // not in a meeting
  | 'connecting' // opening the socket / sending the join
  | 'lobby' // admitted by key, waiting for the host ("waiting for the host")
  | 'in-call'
  | 'reconnecting' // signaling socket dropped; media keeps flowing; resuming
  | 'ended' // left, removed, denied, or the meeting ended — see `endReason`
  | 'failed'; // could not join — see `error`

export type EndReason = 'left' | 'removed' | 'denied' | 'ended';

export type PeerConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed';
export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

export interface PeerStats {
  rttMs: number | null;
  /** Fraction of packets lost in the last interval, 0..1. */
  lossRate: number | null;
  inboundKbps: number | null;
  outboundKbps: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  dtlsState: string | null;
  srtpCipher: string | null;
  /** True when the selected candidate pair goes through a TURN relay. */
  relayed: boolean;
}

export interface Participant {
  peerId: string;
  displayName: string;
  muted: boolean;
  videoOff: boolean;
  handRaised: boolean;
  /**
   * When this client saw the hand go up (Date.now()), for the queue of raised
   * hands in order; null while it is down. Hands already up when we joined
   * share our join's time, and keep the order in which people joined.
   */
  handRaisedAt: number | null;
  isHost: boolean;
  /** Remote media (null until tracks arrive); for `local`, the camera/mic stream. */
  stream: MediaStream | null;
  /**
   * The screen (window, tab) this person shares, or null. For a peer it is
   * only set once their MAC-verified description named the stream and its
   * tracks arrived; for `local`, it is the stream we send.
   */
  screen: MediaStream | null;
  connection: PeerConnectionState;
  quality: Quality;
  /** 0..1, smoothed, for the active-speaker highlight and level meters. */
  audioLevel: number;
  stats: PeerStats | null;
  /**
   * Whether what this peer's connection runs on was verified end to end
   * (sdp-mac.ts): 'verified' once connected on MAC-checked details; 'failed'
   * when details claiming to be theirs were refused before that (no media
   * flows then). Always 'verified' for `local`.
   */
  verification: 'pending' | 'verified' | 'failed';
  /** Digits to compare aloud with this person (safety-code.ts); null until connected, and for `local`. */
  safetyCode: string | null;
  /** The last signal refused in this peer's name, for the UI to explain; null if none. */
  securityProblem: SecurityProblem | null;
  /**
   * In an SFU meeting: the kinds of this person's media whose frames we
   * receive but cannot open (no key from them yet, or frames that fail
   * authentication). The tile says so rather than going black. Always empty
   * in a mesh (DTLS-SRTP either connects or it does not).
   */
  cantDecrypt: ('audio' | 'video')[];
}

/** A signal claiming to come from a participant that was refused (see PeerLinkEvents.onSecurityError). */
export interface SecurityProblem {
  kind: 'forged' | 'replayed';
  /** epoch ms */
  at: number;
}

export interface ChatMessage {
  id: string;
  fromPeerId: string;
  fromName: string;
  text: string;
  /** epoch ms, sender's clock */
  sentAt: number;
  mine: boolean;
}

/**
 * Something that went wrong, as a code with its data; the words people read
 * are in one place, ui/messages.ts (the engine never writes sentences).
 */
export interface CallError {
  /** A protocol ErrorCode (wrong_key, meeting_full, meeting_locked, meeting_ended, rate_limited…) or a local one (see CallErrorCode). */
  code: string;
  /** rate_limited, ice_refresh_limited: when trying again can work. */
  retryAfterMs?: number;
  /** For codes about one person (screen_not_sent, host_refused): who. */
  peerName?: string;
}

/**
 * Codes the engine produces itself, next to the protocol's ErrorCodes:
 * - unreachable, timeout, disconnected, not_connected, replaced: the socket;
 * - internal: a failure in this app;
 * - turn_auth, no_relay, session_expired: warnings while the call goes on;
 * - screen_not_sent: sharing reached everyone but `peerName`;
 * - sfu_screen_failed, sfu_screen_stop_failed: the media server did not take
 *   the renegotiation that starts (stops) our screen; camera and microphone
 *   carry on as they were;
 * - host_refused: the server refused a host command (the code it gave is not
 *   shown; the person is told the command did not happen).
 * - recording_forged, recording_withheld: the server sent a recording notice
 *   in `peerName`'s name that is not theirs, or held back one of theirs
 *   (recording/recording-watch.ts); the indicator follows the authentic copy.
 */
export type CallErrorCode =
  | 'unreachable'
  | 'timeout'
  | 'disconnected'
  | 'not_connected'
  | 'replaced'
  | 'internal'
  | 'turn_auth'
  | 'no_relay'
  | 'session_expired'
  | 'screen_not_sent'
  | 'sfu_screen_failed'
  | 'sfu_screen_stop_failed'
  | 'host_refused'
  | 'recording_forged'
  | 'recording_withheld';

/**
 * Who records, as each person said it end to end (recording/): `mine` is
 * what this client announced, `others` the latest authentic notice of each
 * person here. Only the host's `everyoneMayRecord` counts.
 */
export interface RecordingState {
  mine: RecordingNotice;
  others: Readonly<Record<string, RecordingNotice>>;
}

export interface CallState {
  phase: CallPhase;
  meetingId: string | null;
  error: CallError | null;
  endReason: EndReason | null;
  /**
   * This client; `peerId` is null until admitted. (Omit first: a plain
   * `Participant & { peerId: string | null }` intersects to `string` and
   * could never hold the null this comment promises.)
   */
  local: Omit<Participant, 'peerId'> & { peerId: string | null };
  /** Everyone else, in the order they joined. */
  peers: Participant[];
  hostId: string | null;
  locked: boolean;
  /** Only filled for the host. */
  lobby: { peerId: string; displayName: string }[];
  chat: ChatMessage[];
  unreadChat: number;
  /** File transfers of this call, both ways, oldest first (files/file-transfers.ts). */
  transfers: FileTransfer[];
  /** The largest file this meeting carries now: less once it moved to the SFU, where files go through the relay. */
  maxFileBytes: number;
  activeSpeakerId: string | null;
  /** The host asked this client to mute (the UI shows a prompt; it never mutes by force). */
  muteRequestedBy: string | null;
  /**
   * The meeting server has been unreachable for a while (phase 'reconnecting'
   * for OFFLINE_NOTICE_MS): media between peers may still flow, but the user
   * is told and may press "Try again" (retryNow). Clears by itself on reconnect.
   */
  offline: boolean;
  /**
   * Something the user should know that does not end the call (TURN refused
   * our credentials, "relay only" without a relay, the sign-in expired on
   * reconnect). The UI shows it until dismissed.
   */
  warning: CallError | null;
  /**
   * The last person who left for good (left, timed out after the grace
   * period, removed, or not back after a server restart), so the UI can say
   * so. `at` tells one departure from the next. Not set when this client
   * rejoins as a new peer and drops its own view of everyone.
   */
  lastDeparture: { peerId: string; displayName: string; reason: 'left' | 'timeout' | 'removed'; at: number } | null;
  /**
   * This browser does not report our microphone's level (Firefox 153), so our own tile never
   * reads "speaking": 'shown' tells the person once, 'dismissed' after they closed the notice.
   */
  ownLevelNotice: 'none' | 'shown' | 'dismissed';
  recording: RecordingState;
}

export interface JoinOptions {
  /** wss://host:port/ws */
  serverUrl: string;
  meetingId: string;
  keys: MeetingKeys;
  displayName: string;
  /** The pre-join stream (camera and/or microphone); the engine does not call getUserMedia itself. */
  stream: MediaStream | null;
  muted: boolean;
  videoOff: boolean;
  /** Log in first with this session token so the owner is recognised as host. */
  sessionToken?: string;
  /** Connect to others only through the TURN relay (iceTransportPolicy 'relay'): hides this computer's addresses. */
  relayOnly?: boolean;
}

export interface CallEngine {
  getState(): CallState;
  /** Called on every change; returns an unsubscribe function. */
  subscribe(listener: (state: CallState) => void): () => void;
  /**
   * Opens the signaling connection ahead of join() (call it on the pre-join
   * screen): joining then skips the TLS and WebSocket handshakes. Harmless to
   * call again; leave() closes a connection that was never used.
   */
  preconnect(serverUrl: string): void;
  join(options: JoinOptions): Promise<void>;
  /** Leaves the meeting (or closes a preconnected socket that was never used). */
  leave(): Promise<void>;
  setMuted(muted: boolean): void;
  setVideoOff(videoOff: boolean): void;
  setHandRaised(raised: boolean): void;
  setDisplayName(name: string): void;
  /** Swap the camera or microphone mid-call (device picker). */
  replaceTrack(track: MediaStreamTrack): Promise<void>;
  /**
   * Shares a screen, window or tab (a getDisplayMedia stream, asked for by
   * the UI through the platform) with everyone, next to the camera. The
   * engine takes the stream over: it stops its tracks when sharing stops
   * (stopScreenShare, leaving, or the browser's own "Stop sharing", which
   * ends the video track). Sharing again replaces the previous screen.
   */
  shareScreen(stream: MediaStream): Promise<void>;
  stopScreenShare(): void;
  sendChat(text: string): Promise<void>;
  /** Offers a file to these participants ('everyone': all who are here now), one transfer each. */
  sendFile(file: File, to: string[] | 'everyone'): void;
  acceptFile(id: string): Promise<void>;
  declineFile(id: string): void;
  /** Stops a transfer from either side. */
  cancelFile(id: string): void;
  /** Removes a finished transfer from the list (a received copy goes with it). */
  dismissFile(id: string): void;
  markChatRead(): void;
  dismissMuteRequest(): void;
  /** While offline: try to reach the meeting server now instead of waiting for the next attempt. */
  retryNow(): void;
  dismissWarning(): void;
  dismissOwnLevelNotice(): void;
  // Host controls (the server refuses them from anyone else)
  admit(peerId: string): void;
  deny(peerId: string): void;
  setLocked(locked: boolean): void;
  remove(peerId: string): void;
  askToMute(peerId: string): void;
  endForAll(): void;
  /**
   * Tells everyone, end to end, that this client starts (true) or stopped
   * recording. Resolves once the notice is on its way; throws
   * `not_allowed_to_record` unless this client is the host or the host lets
   * everyone record. The recording itself is the UI's (ui/recording/).
   */
  setRecording(recording: boolean): Promise<void>;
  /** Host: whether everyone may record (default: only the host). */
  setEveryoneMayRecord(allowed: boolean): Promise<void>;
}
