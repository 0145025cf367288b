/** A host's own meetings: reserve an id, create with a verifier, list, delete. */
import { AppError } from '../app-error.js';
import type { ServerContext } from '../context.js';
import type { MeetingRecord } from '../meetings/meeting-store.js';
import type { MeetingInfo } from '../protocol/index.js';
import { requireAccount } from './guards.js';
import type { HandlerTable } from './handler-connection.js';

type MeetingMessage = 'meeting.reserve' | 'meeting.create' | 'meeting.list' | 'meeting.delete';

export const meetingHandlers: HandlerTable<MeetingMessage> = {
  'meeting.reserve': async (conn) => {
    const { accountId } = requireAccount(conn);
    const { meetingId, expiresAt } = await conn.ctx.meetings.reserveId(accountId);
    return { type: 'meeting.reserved', meetingId, expiresAt };
  },

  'meeting.create': async (conn, m) => {
    const { accountId } = requireAccount(conn);
    const record = await conn.ctx.meetings.create(accountId, {
      meetingId: m.meetingId,
      verifier: Buffer.from(m.verifier, 'base64url'),
      title: m.title,
      lobby: m.lobby,
      maxParticipants: m.maxParticipants,
    });
    conn.ctx.logger.info({ event: 'meeting_created', meetingId: record.id, owner: accountId });
    return { type: 'meeting.created', meeting: meetingInfo(conn.ctx, record) };
  },

  'meeting.list': async (conn) => {
    const { accountId } = requireAccount(conn);
    const meetings = (await conn.ctx.meetings.listByOwner(accountId)).map((r) => meetingInfo(conn.ctx, r));
    return { type: 'meeting.list', meetings };
  },

  'meeting.delete': async (conn, { meetingId }) => {
    const { accountId } = requireAccount(conn);
    // Someone else's meeting reads as "no such meeting": ids are not to be probed.
    if ((await conn.ctx.meetings.get(meetingId))?.ownerId !== accountId) {
      throw new AppError('not_found', 'you have no meeting with that id');
    }
    await conn.ctx.meetings.delete(accountId, meetingId);
    // Deleting a meeting that is going on ends it for everyone in it.
    conn.ctx.rooms.get(meetingId)?.end();
    conn.ctx.logger.info({ event: 'meeting_deleted', meetingId, owner: accountId });
    return undefined;
  },
};

function meetingInfo(ctx: ServerContext, r: MeetingRecord): MeetingInfo {
  return {
    meetingId: r.id,
    title: r.title,
    lobby: r.lobby,
    maxParticipants: r.maxParticipants,
    createdAt: r.createdAt,
    endedAt: r.endedAt,
    live: ctx.rooms.get(r.id)?.members.size ?? 0,
  };
}
