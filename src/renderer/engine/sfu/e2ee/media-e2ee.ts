/**
 * The contract between the SFU topology (sfu/, issue 17) and end-to-end
 * encryption of its media frames (sfu/e2ee/). The topology owns the
 * connection to the media server and knows which receiver carries whose
 * media; the e2ee part owns every key and every frame transform. Neither
 * reaches into the other: this interface is all they share.
 *
 * Security model (../../../../../docs/threat-model.md, DESIGN "Large meetings"):
 * - each sender draws a random media key per epoch (never derived from the
 *   password) and hands it to each member sealed under a pairwise key;
 * - pairwise keys come from an ECDH agreement whose ephemeral public keys are
 *   announced with a MAC under a sub-key of the meeting's e2eKey, over the
 *   sender, the meeting and the public key, so neither server can swap one;
 * - frames are SFrame (RFC 9605) with AES-GCM; only the codec header bytes the
 *   SFU must read stay in clear, as authenticated data;
 * - on leave every sender starts a new epoch (the old key is kept at most 10 s
 *   for frames in flight); on join senders ratchet forward before handing the
 *   key over, so a newcomer cannot open what was sent before.
 */
import type { SecurityProblem } from '../../call-state.js';

export type MediaKind = 'audio' | 'video';

export interface MediaE2eeOptions {
  meetingId: string;
  /** Our peer id now (it changes on a new admission). */
  localPeerId(): string;
  /** The meeting's end-to-end key (meeting-keys.ts); sub-keys are derived from it with deriveSubKey. */
  e2eKey: CryptoKey;
  /** Sends a key-exchange payload to one member through the signaling server's `signal` relay. */
  sendSignal(to: string, data: unknown): void;
}

export interface MediaE2eeEvents {
  /** Frames from this person can (again) be opened, or cannot: no key yet, or they fail authentication. */
  onDecryptState(peerId: string, kind: MediaKind, state: 'ok' | 'cant-decrypt'): void;
  /** What we learnt about the pairwise agreement with this person. */
  onPeerTrust(peerId: string, trust: { safetyCode: string } | { securityProblem: SecurityProblem }): void;
}

export interface FrameCryptoStats {
  encryptedFrames: number;
  decryptedFrames: number;
  /** Frames dropped because they failed authentication or no key opened them. */
  droppedFrames: number;
  encryptMs: { p50: number; p95: number };
  decryptMs: { p50: number; p95: number };
}

export interface MediaE2ee {
  /** Every frame this sender sends leaves as SFrame ciphertext from now on. */
  protectSender(sender: RTCRtpSender, kind: MediaKind): void;
  /** Frames on this receiver come from `senderPeerId`: they are opened with that person's keys, or dropped. */
  protectReceiver(receiver: RTCRtpReceiver, senderPeerId: string, kind: MediaKind): void;
  /** Someone the roster admitted: agree a pairwise key, ratchet our media key forward, hand it over. */
  addMember(peerId: string): void;
  /** Someone left: their keys are forgotten and every sender moves to a new epoch. */
  removeMember(peerId: string): void;
  /** Whether a relayed `signal` payload is ours (key exchange), so the topology hands it here. */
  isKeySignal(data: unknown): boolean;
  /** A key-exchange `signal` from `from` (validated and MAC-checked here). */
  handleSignal(from: string, data: unknown): void;
  stats(): FrameCryptoStats;
  /** The call ended: keys are dropped and transforms stop. */
  close(): void;
}

export type CreateMediaE2ee = (options: MediaE2eeOptions, events: MediaE2eeEvents) => MediaE2ee;
