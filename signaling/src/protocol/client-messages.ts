/**
 * Messages a client sends to the server. Every frame must match exactly one
 * of these (unknown fields are rejected, so typos fail loudly).
 */
import * as v from 'valibot';
import {
  AccountPassword,
  DisplayName,
  Key32,
  MaxParticipants,
  MeetingId,
  MeetingTitle,
  PeerId,
  ResumeToken,
  Rid,
  SignalData,
  Username,
} from './fields.js';
import { SdpAnswer, SdpOffer, SfuCandidate, SfuFeeds, SfuMid, SfuPeerConnection } from './sfu-fields.js';

const req = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), rid: v.optional(Rid), ...entries });

export const ClientMessage = v.variant('type', [
  // Accounts
  req('account.register', { username: Username, password: AccountPassword }),
  req('account.login', { username: Username, password: AccountPassword }),
  /** Authenticate this connection with a session token from an earlier login. */
  req('account.resume', { token: Key32 }),
  req('account.logout', {}),
  req('account.logoutAll', {}),
  req('account.changePassword', { currentPassword: AccountPassword, newPassword: AccountPassword }),

  // Meetings (need a logged-in connection)
  /** Step 1 of creating a meeting: the server picks the id the client's key derivation is salted with. */
  req('meeting.reserve', {}),
  /** Step 2: the client sends only SHA-256(admission key), never the password. */
  req('meeting.create', {
    meetingId: MeetingId,
    verifier: Key32,
    title: v.optional(MeetingTitle),
    lobby: v.optional(v.boolean()),
    maxParticipants: v.optional(MaxParticipants),
  }),
  req('meeting.list', {}),
  req('meeting.delete', { meetingId: MeetingId }),

  // Being in a meeting
  req('room.join', {
    meetingId: MeetingId,
    admissionKey: Key32,
    displayName: DisplayName,
    muted: v.optional(v.boolean()),
    videoOff: v.optional(v.boolean()),
    handRaised: v.optional(v.boolean()),
  }),
  /** Reclaim a place (same peer id) after a dropped connection. */
  req('room.resume', { resumeToken: ResumeToken }),
  req('room.leave', {}),
  req('presence.update', {
    displayName: v.optional(DisplayName),
    muted: v.optional(v.boolean()),
    videoOff: v.optional(v.boolean()),
    handRaised: v.optional(v.boolean()),
  }),
  /** Relayed to one participant of the same meeting; the server stamps `from`. */
  req('signal', { to: PeerId, data: SignalData }),
  /** Fresh TURN credentials before the ones from room.joined expire (members only). */
  req('ice.refresh', {}),

  // Media through the SFU (meetings past the mesh limit; see docs/protocol.md)
  /**
   * Publish: the member's offer for its sending connection; the reply is `sfu.answer`.
   * `screen`: the mid of the offer's section that carries the shared screen (absent: no screen).
   */
  req('sfu.publish', { jsep: SdpOffer, screen: v.optional(SfuMid) }),
  /** Receive these people's media (replaces what was asked before); the reply is `sfu.offer`. */
  req('sfu.subscribe', { feeds: SfuFeeds }),
  /** The member's answer to the last `sfu.offer`: media starts flowing. */
  req('sfu.start', { jsep: SdpAnswer }),
  /** An ICE candidate of one of the member's two connections (`null`: gathering complete). */
  req('sfu.trickle', { pc: SfuPeerConnection, candidate: SfuCandidate }),

  // Host controls
  req('host.admit', { peerId: PeerId }),
  req('host.deny', { peerId: PeerId }),
  req('host.lock', { locked: v.boolean() }),
  req('host.remove', { peerId: PeerId }),
  req('host.askMute', { peerId: PeerId }),
  req('host.end', {}),

  req('ping', {}),
]);

export type ClientMessage = v.InferOutput<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;
