/** Getting into a meeting, staying in it, and talking to the others through the server. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../app-error.js';
import type { ServerContext } from '../context.js';
import type { MeetingRecord } from '../meetings/meeting-store.js';
import type { Member } from '../rooms/member.js';
import { CLOSE } from '../protocol/index.js';
import { ResumeTokens, type ResumeClaims } from '../security/resume-token.js';
import { iceServersFor } from '../ice/turn-credentials.js';
import { isPeerRevoked } from '../store/server-state.js';
import { requireAdmitted, requireMembership } from './guards.js';
import type { HandlerConnection, HandlerTable, Reply } from './handler-connection.js';

/** A resume token older than this is refused: the participant joins again with the key. */
export const MAX_RESUME_TOKEN_AGE_MS = 12 * 3600_000;

type RoomMessage = 'room.join' | 'room.resume' | 'room.leave' | 'presence.update' | 'signal' | 'ice.refresh';

export const roomHandlers: HandlerTable<RoomMessage> = {
  'room.join': async (conn, m) => {
    if (conn.membership) throw new AppError('already_joined', 'this connection is already in a meeting; leave first');
    const { ctx } = conn;
    const meeting = await admit(ctx, conn.address, m.meetingId, m.admissionKey);
    // Everything from here on is synchronous: the room cannot change under these checks.
    const room = ctx.rooms.getOrCreate(meeting);
    // One more would pass the mesh limit: the meeting moves to the SFU before this member is in.
    if (ctx.sfu?.needsMove(room) && !room.isFull()) await ctx.sfu.moveToSfu(room);
    if (conn.membership) throw new AppError('already_joined', 'this connection is already in a meeting; leave first');
    const member: Member = {
      peerId: randomBytes(8).toString('hex'),
      accountId: conn.principal?.accountId ?? null,
      nonce: ResumeTokens.newNonce(),
      joinedAt: Date.now(),
      address: conn.address,
      displayName: m.displayName,
      muted: m.muted ?? false,
      videoOff: m.videoOff ?? false,
      handRaised: m.handRaised ?? false,
      outlet: conn,
      outbox: [],
    };
    const owner = room.isOwner(member);
    if (room.locked && !owner) throw new AppError('meeting_locked', 'the host has locked this meeting');
    if (room.isFull()) throw new AppError('meeting_full', `the meeting is full (${room.capacity} people)`);
    // Someone the host removed comes back only if the host lets them in (rooms/removal-bans.ts).
    const banned = !owner && ctx.removals.isBanned(room.id, member);
    const lobby = (meeting.lobby || banned) && !owner;
    conn.membership = { room, member };
    try {
      const reply = lobby ? room.wait(member) : room.admit(member);
      ctx.logger.info({ event: 'peer_joined', meetingId: room.id, peerId: member.peerId, lobby, banned });
      return reply;
    } catch (err) {
      conn.membership = null;
      throw err;
    }
  },

  'room.resume': async (conn, { resumeToken }) => {
    if (conn.membership) throw new AppError('already_joined', 'this connection is already in a meeting');
    const { ctx } = conn;
    const claims = ctx.resumeTokens.verify(resumeToken);
    if (!claims) throw new AppError('resume_failed', 'that resume token is not valid');
    // Every (re)join hands out a fresh token, so only a long-silent participant holds an old one.
    if (Date.now() - claims.t > MAX_RESUME_TOKEN_AGE_MS) throw new AppError('resume_failed', 'that resume token has expired; join again');
    // The account signed out everywhere (or changed its password) after this
    // membership took it on: whoever holds the token may be the reason why, so
    // it must not get the account, nor host by ownership, back. Checked on both
    // paths below, the live one and the rebuild after a restart.
    if (claims.a !== null && (claims.j ?? claims.t) <= (await ctx.accounts.sessionsRevokedAt(claims.a))) {
      throw new AppError('resume_failed', 'this account signed out everywhere since; join again');
    }
    if (ctx.rooms.get(claims.m)?.members.has(claims.p)) return resumeLive(conn, claims);
    // Not known here: the server may have restarted. Within one grace period of
    // start-up, signed tokens rebuild the meeting as its members come back.
    if (ctx.rooms.get(claims.m)?.hasDeparted(claims.p)) throw placeGone();
    // In a cluster, "start-up" is also this instance taking the meeting over from a home that died or drained.
    const rebuiltSince = Math.max(ctx.startedAt, ctx.spread?.homes.takenOverAt(claims.m) ?? 0);
    if (Date.now() - rebuiltSince > ctx.config.graceMs) throw placeGone();
    const meeting = await ctx.meetings.get(claims.m);
    if (!meeting || meeting.endedAt !== null) throw placeGone();
    if (await isPeerRevoked(ctx.db, claims.m, claims.p, Date.now())) throw placeGone();
    // The lookups above awaited: another connection may have resumed this member, or rebuilt the room, meanwhile.
    if (ctx.rooms.get(claims.m)?.members.has(claims.p)) return resumeLive(conn, claims);
    return restore(conn, claims, meeting);
  },
  'room.leave': (conn) => {
    const { room, member } = requireMembership(conn);
    room.leave(member, 'left');
    return undefined;
  },

  'presence.update': (conn, m) => {
    const { room, member } = requireAdmitted(conn);
    if (m.displayName !== undefined) member.displayName = m.displayName;
    if (m.muted !== undefined) member.muted = m.muted;
    if (m.videoOff !== undefined) member.videoOff = m.videoOff;
    if (m.handRaised !== undefined) member.handRaised = m.handRaised;
    room.updated(member);
    return undefined;
  },

  signal: (conn, { to, data }) => {
    const { room, member } = requireAdmitted(conn);
    const target = room.members.get(to);
    if (!target || target === member) throw new AppError('peer_not_found', 'no such participant in your meeting');
    // `from` is stamped here: a client can never speak for someone else.
    room.sendTo(target, { type: 'signal', from: member.peerId, data });
    conn.ctx.metrics.messagesRelayed.inc();
    return undefined;
  },

  'ice.refresh': (conn) => {
    // Members only: the TURN username names the peer id, and a relay is for calls in progress.
    const { member } = requireAdmitted(conn);
    if (!conn.iceRefreshes.take()) {
      const wait = conn.iceRefreshes.waitMs();
      throw new AppError('ice_refresh_limited', 'fresh TURN credentials were asked for too often; wait before asking again', wait);
    }
    const { config } = conn.ctx;
    return { type: 'ice.servers', iceServers: iceServersFor(config, member.peerId, Date.now()), iceTtlMs: config.turnTtlSeconds * 1000 };
  },
};

/**
 * Checks the admission key in constant time, with growing back-off per meeting
 * and per address for wrong guesses. Returns the meeting on success.
 */
async function admit(ctx: ServerContext, address: string, meetingId: string, admissionKey: string): Promise<MeetingRecord> {
  const { admissionPerMeeting, admissionPerAddress } = ctx.throttles;
  refuseWhileThrottled(ctx, meetingId, address); // before the lookup, so a throttled guesser costs no query
  const meeting = await ctx.meetings.get(meetingId);
  // Again after it: guesses on other connections may have failed while this one waited for the store.
  refuseWhileThrottled(ctx, meetingId, address);
  const presented = createHash('sha256').update(Buffer.from(admissionKey, 'base64url')).digest();
  const matches = meeting !== undefined && meeting.verifier.length === 32 && timingSafeEqual(presented, meeting.verifier);
  if (!matches) {
    // Unknown ids count as failures too, so ids cannot be enumerated for free.
    admissionPerMeeting.failure(meetingId, address);
    admissionPerAddress.failure(address);
    ctx.metrics.admissionFailures.inc();
    ctx.logger.warn({ event: 'admission_failed', meetingId, address, known: meeting !== undefined });
    // Same answer for "no such meeting" and "wrong password": neither tells a guesser more.
    throw new AppError('wrong_key', 'wrong meeting id or password');
  }
  if (meeting.endedAt !== null) throw new AppError('meeting_ended', 'this meeting has ended');
  admissionPerMeeting.admitted(meetingId, address);
  return meeting;
}

function refuseWhileThrottled(ctx: ServerContext, meetingId: string, address: string): void {
  const { admissionPerMeeting, admissionPerAddress } = ctx.throttles;
  const wait = Math.max(admissionPerMeeting.retryAfter(meetingId, address), admissionPerAddress.retryAfter(address));
  if (wait > 0) throw new AppError('rate_limited', 'too many wrong attempts; wait before trying again', wait);
}

function placeGone(): AppError {
  return new AppError('resume_failed', 'your place in the meeting has gone; join again');
}

/** The member is live in this server's room: move it onto this connection. */
function resumeLive(conn: HandlerConnection, claims: ResumeClaims): Reply {
  const { ctx } = conn;
  const room = ctx.rooms.get(claims.m)!;
  const member = room.members.get(claims.p)!;
  if (member.nonce !== claims.n) throw placeGone();
  const previous = member.outlet as HandlerConnection | null;
  conn.membership = { room, member };
  const messages = room.resumed(member, conn);
  if (previous && previous !== conn) previous.close(CLOSE.replaced, 'resumed on another connection');
  ctx.logger.info({ event: 'peer_resumed', meetingId: room.id, peerId: member.peerId });
  return messages;
}

/** Rebuilds the member (and the room, if need be) from its signed token, after a restart. */
async function restore(conn: HandlerConnection, claims: ResumeClaims, meeting: MeetingRecord): Promise<Reply> {
  const { ctx } = conn;
  if (ctx.removals.isBanned(claims.m, { accountId: claims.a, address: conn.address })) throw placeGone();
  const room = ctx.rooms.get(claims.m) ?? ctx.rooms.getOrCreate(meeting);
  if (room.isFull()) throw new AppError('meeting_full', 'the meeting is full');
  // One more would pass the mesh limit: the rebuilt meeting moves to the SFU before this member is back.
  if (ctx.sfu?.needsMove(room)) await ctx.sfu.moveToSfu(room);
  if (conn.membership) throw new AppError('already_joined', 'this connection is already in a meeting');
  const restored: Member = {
    peerId: claims.p,
    accountId: claims.a,
    nonce: claims.n,
    joinedAt: claims.j ?? claims.t,
    address: conn.address,
    displayName: claims.d,
    muted: false,
    videoOff: false,
    handRaised: false,
    outlet: conn,
    outbox: [],
  };
  conn.membership = { room, member: restored };
  ctx.logger.info({ event: 'peer_restored', meetingId: room.id, peerId: restored.peerId });
  return room.admit(restored, true);
}
