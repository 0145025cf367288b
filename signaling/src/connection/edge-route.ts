/**
 * Where a room.join or room.resume must run in a cluster: on the meeting's
 * home (cluster/room-homes.ts), claimed here if no live instance holds it.
 * Null when it can run here whatever the answer (a single server, or a resume
 * token that does not verify: the handler refuses it as one server would).
 */
import type { ServerContext } from '../context.js';
import type { ClientMessage } from '../protocol/index.js';

export async function homeForEntry(ctx: ServerContext, message: ClientMessage): Promise<string | null> {
  if (!ctx.spread) return null;
  let meetingId: string | undefined;
  if (message.type === 'room.join') meetingId = message.meetingId;
  else if (message.type === 'room.resume') meetingId = ctx.resumeTokens.verify(message.resumeToken)?.m;
  if (meetingId === undefined) return null;
  return ctx.spread.homes.homeOf(meetingId);
}
