/** What only the host may do: admit and deny, lock, remove, ask to mute, end for all. */
import { AppError } from '../app-error.js';
import { requireAdmitted } from './guards.js';
import type { HandlerConnection, HandlerTable, Membership } from './handler-connection.js';

type HostMessage = 'host.admit' | 'host.deny' | 'host.lock' | 'host.remove' | 'host.askMute' | 'host.end';

export const hostHandlers: HandlerTable<HostMessage> = {
  'host.admit': async (conn, { peerId }) => {
    const { room } = requireHost(conn);
    if (conn.ctx.sfu?.needsMove(room) && !room.isFull()) await conn.ctx.sfu.moveToSfu(room);
    const waiting = room.lobby.get(peerId);
    room.admitFromLobby(peerId);
    // The host chose to let this person in: a removal no longer keeps them out.
    if (waiting) conn.ctx.removals.lift(room.id, waiting);
    return undefined;
  },

  'host.deny': (conn, { peerId }) => {
    requireHost(conn).room.deny(peerId);
    return undefined;
  },

  'host.lock': (conn, { locked }) => {
    requireHost(conn).room.setLocked(locked);
    return undefined;
  },

  'host.remove': (conn, { peerId }) => {
    const { room, member } = requireHost(conn);
    if (peerId === member.peerId) throw new AppError('forbidden', 'to leave, send room.leave');
    if (room.lobby.has(peerId)) return hostHandlers['host.deny'](conn, { type: 'host.deny', peerId });
    const target = room.members.get(peerId);
    if (!target) throw new AppError('peer_not_found', 'no such participant in your meeting');
    target.outlet?.send({ type: 'room.removed', meetingId: room.id });
    room.leave(target, 'removed');
    conn.ctx.logger.info({ event: 'peer_removed', meetingId: room.id, peerId, by: member.peerId });
    return undefined;
  },

  'host.askMute': (conn, { peerId }) => {
    const { room, member } = requireHost(conn);
    const target = room.members.get(peerId);
    if (!target || target === member) throw new AppError('peer_not_found', 'no such participant in your meeting');
    room.sendTo(target, { type: 'room.muteRequested', by: member.peerId });
    return undefined;
  },

  'host.end': async (conn) => {
    const { room, member } = requireHost(conn);
    // Recorded first: once the room is gone, nobody may resume or join into it again.
    await conn.ctx.meetings.markEnded(room.id);
    room.end();
    conn.ctx.logger.info({ event: 'meeting_ended', meetingId: room.id, by: member.peerId });
    return undefined;
  },
};

function requireHost(conn: HandlerConnection): Membership {
  const membership = requireAdmitted(conn);
  if (membership.room.hostId !== membership.member.peerId) throw new AppError('forbidden', 'only the host can do that');
  return membership;
}
