/**
 * Messages the server sends. Clients validate these too: a client never
 * trusts a frame because "our server sent it". Unknown fields are ignored so
 * that a server can add information without breaking older clients.
 */
import * as v from 'valibot';
import { ERROR_CODES } from './errors.js';
import { MediaTopologyName, ServerSdpAnswer, ServerSdpOffer, SfuStream } from './sfu-fields.js';
import { IceServer, MeetingId, MeetingInfo, PeerId, PeerInfo, Rid, SignalData, Username } from './fields.js';

const msg = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.object({ type: v.literal(type), ...entries });
const reply = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  msg(type, { rid: v.optional(Rid), ...entries });

export const ServerMessage = v.variant('type', [
  reply('ok', {}),
  reply('error', {
    // A code this client does not know yet (from a newer server) reads as `internal`,
    // so adding a code is not a breaking change.
    code: v.fallback(v.picklist(ERROR_CODES), 'internal'),
    message: v.string(),
    retryAfterMs: v.optional(v.number()),
  }),
  reply('pong', { time: v.number() }),

  /** After register, login or resume. `token` is only sent by register and login. */
  reply('account.session', {
    username: Username,
    token: v.optional(v.string()),
    expiresAt: v.number(),
  }),

  reply('meeting.reserved', { meetingId: MeetingId, expiresAt: v.number() }),
  reply('meeting.created', { meeting: MeetingInfo }),
  reply('meeting.list', { meetings: v.array(MeetingInfo) }),

  /** The admission key was right, the meeting has a lobby: wait for the host. */
  reply('room.waiting', { meetingId: MeetingId, hostPresent: v.boolean() }),
  /** You are in. `peers` are the others; a resume keeps your `peerId`. */
  reply('room.joined', {
    meetingId: MeetingId,
    peerId: PeerId,
    hostId: v.nullable(PeerId),
    locked: v.boolean(),
    peers: v.array(PeerInfo),
    iceServers: v.array(IceServer),
    resumeToken: v.string(),
    resumed: v.boolean(),
    graceMs: v.number(),
    /** How long the TURN credentials in `iceServers` stay valid (absent from older servers). */
    iceTtlMs: v.optional(v.number()),
    /** How media flows in this meeting now (absent from older servers: a mesh). */
    media: v.optional(MediaTopologyName),
    /** On the SFU: who publishes right now (absent on a mesh). */
    feeds: v.optional(v.array(PeerId)),
    /** On the SFU: those of `feeds` who publish a screen too (absent: none, or an older server). */
    screens: v.optional(v.array(PeerId)),
  }),
  /** Reply to `ice.refresh`: the same servers with fresh credentials, valid for `iceTtlMs`. */
  reply('ice.servers', { iceServers: v.array(IceServer), iceTtlMs: v.number() }),
  /** A `peerJoined` for a peer id you already know is an update, not a second person. */
  msg('room.peerJoined', { peer: PeerInfo }),
  msg('room.peerUpdated', { peer: PeerInfo }),
  msg('room.peerLeft', { peerId: PeerId, reason: v.fallback(v.picklist(['left', 'timeout', 'removed']), 'left') }),
  msg('room.hostChanged', { hostId: v.nullable(PeerId) }),
  msg('room.locked', { locked: v.boolean() }),
  /** To the host: everyone waiting in the lobby right now. */
  msg('room.lobby', { waiting: v.array(v.object({ peerId: PeerId, displayName: v.string() })) }),
  msg('room.denied', { meetingId: MeetingId }),
  msg('room.removed', { meetingId: MeetingId }),
  msg('room.ended', { meetingId: MeetingId }),
  msg('room.muteRequested', { by: PeerId }),
  msg('signal', { from: PeerId, data: SignalData }),
  /** Reply to `sfu.publish`: the SFU's answer for the member's sending connection. */
  reply('sfu.answer', { jsep: ServerSdpAnswer }),
  /** Reply to `sfu.subscribe`: the SFU's offer for the member's receiving connection (answer with `sfu.start`). */
  reply('sfu.offer', { jsep: ServerSdpOffer, streams: v.array(SfuStream) }),
  /** The meeting grew past the mesh limit and now runs on the SFU: publish there (nobody leaves). */
  msg('sfu.moved', {}),
  /** Who publishes on the SFU now, and which of them a screen too; subscribe to those you want to see. */
  msg('sfu.feeds', { feeds: v.array(PeerId), screens: v.optional(v.array(PeerId)) }),
  /** The media server was replaced (it stopped or restarted): publish and subscribe again. */
  msg('sfu.republish', {}),
  /** The server is shutting down: reconnect after about `reconnectInMs` and resume. */
  msg('server.draining', { reconnectInMs: v.number() }),
]);

export type ServerMessage = v.InferOutput<typeof ServerMessage>;
export type ServerMessageType = ServerMessage['type'];
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;
