/**
 * What a handler sees of the connection it serves: the port handlers are
 * written against. `Connection` (connection/connection.ts) implements it;
 * handlers never import connection/, so the dependency runs one way only:
 * connection/ → handlers/ (lint zone in eslint.config.js).
 */
import type { Authenticated, ServerContext, SessionHolder } from '../context.js';
import type { ClientMessageOf, ClientMessageType, ServerMessage } from '../protocol/index.js';
import type { Member, Outlet } from '../rooms/member.js';
import type { Room } from '../rooms/room.js';
import type { TokenBucket } from '../security/rate-limit.js';

/** The meeting a connection is in, and who it is there. */
export interface Membership {
  room: Room;
  member: Member;
}

/** One client's connection, as handlers use it. */
export interface HandlerConnection extends Outlet, SessionHolder {
  readonly id: number;
  /** The client's address (for throttles and logs). */
  readonly address: string;
  readonly ctx: ServerContext;
  principal: Authenticated | null;
  membership: Membership | null;
  /** This connection's own allowance of ice.refresh requests (security/ice-refresh-limit.ts). */
  readonly iceRefreshes: TokenBucket;
  /** Closes the socket (a resumed member's previous connection is closed as replaced). */
  close(code: number, reason: string): void;
}

/**
 * A handler's answer: one message, or several in order (the first answers the
 * request and carries its rid); `undefined` means "nothing to report" (an
 * `ok` if the request had a rid).
 */
export type Reply = ServerMessage | ServerMessage[] | undefined;

export type Handler<T extends ClientMessageType> = (
  conn: HandlerConnection,
  message: ClientMessageOf<T>,
) => Reply | Promise<Reply>;
export type HandlerTable<K extends ClientMessageType> = { [T in K]: Handler<T> };
