/** Preconditions several handler areas share: signed in, in a meeting, admitted past the lobby. */
import { AppError } from '../app-error.js';
import type { Authenticated } from '../context.js';
import type { HandlerConnection, Membership } from './handler-connection.js';

export function requireAccount(conn: HandlerConnection): Authenticated {
  if (!conn.principal) throw new AppError('unauthenticated', 'log in first');
  return conn.principal;
}

export function requireMembership(conn: HandlerConnection): Membership {
  if (!conn.membership) throw new AppError('not_joined', 'join a meeting first');
  return conn.membership;
}

export function requireAdmitted(conn: HandlerConnection): Membership {
  const membership = requireMembership(conn);
  if (!membership.room.members.has(membership.member.peerId)) {
    throw new AppError('not_joined', 'you are still waiting in the lobby');
  }
  return membership;
}
