/**
 * A member's media through the SFU: its offer to publish, what it wants to
 * receive, its answer, and its ICE candidates, each relayed to its own Janus
 * handles by the server. Clients never reach the Janus API themselves.
 */
import { AppError } from '../app-error.js';
import type { SfuMeetings } from '../sfu/sfu-meetings.js';
import { requireAdmitted } from './guards.js';
import type { HandlerConnection, HandlerTable } from './handler-connection.js';

type SfuMessage = 'sfu.publish' | 'sfu.subscribe' | 'sfu.start' | 'sfu.trickle';

function requireSfu(conn: HandlerConnection): SfuMeetings {
  if (!conn.ctx.sfu) throw new AppError('not_on_sfu', 'this server has no media server; meetings run as a mesh');
  return conn.ctx.sfu;
}

export const sfuHandlers: HandlerTable<SfuMessage> = {
  'sfu.publish': async (conn, { jsep, screen }) => {
    const sfu = requireSfu(conn);
    const { room, member } = requireAdmitted(conn);
    const answer = await sfu.relay(room, member, 'publish', (meeting) => meeting.publish(member, jsep, screen ?? null));
    return { type: 'sfu.answer', jsep: { type: 'answer', sdp: answer.sdp } };
  },

  'sfu.subscribe': async (conn, { feeds }) => {
    const sfu = requireSfu(conn);
    const { room, member } = requireAdmitted(conn);
    const offer = await sfu.relay(room, member, 'subscribe', (meeting) => meeting.subscribe(member, feeds));
    return { type: 'sfu.offer', ...offer };
  },

  'sfu.start': async (conn, { jsep }) => {
    const sfu = requireSfu(conn);
    const { room, member } = requireAdmitted(conn);
    await sfu.relay(room, member, 'start', (meeting) => meeting.start(member, jsep));
    return undefined;
  },

  'sfu.trickle': async (conn, { pc, candidate }) => {
    const sfu = requireSfu(conn);
    const { room, member } = requireAdmitted(conn);
    await sfu.relay(room, member, 'trickle', (meeting) => meeting.trickle(member, pc, candidate));
    return undefined;
  },
};
