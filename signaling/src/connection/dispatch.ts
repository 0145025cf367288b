/**
 * The handler table: one entry per client message type. TypeScript checks
 * that every message the protocol defines has exactly one handler.
 */
import type { ClientMessage, ClientMessageOf, ClientMessageType, ServerMessage } from '../protocol/index.js';
import { accountHandlers } from '../handlers/account-handlers.js';
import { hostHandlers } from '../handlers/host-handlers.js';
import { meetingHandlers } from '../handlers/meeting-handlers.js';
import { roomHandlers } from '../handlers/room-handlers.js';
import type { Connection } from './connection.js';

/**
 * A handler's answer: one message, or several in order (the first answers the
 * request and carries its rid); `undefined` means "nothing to report" (an
 * `ok` if the request had a rid).
 */
export type Reply = ServerMessage | ServerMessage[] | undefined;

export type Handler<T extends ClientMessageType> = (conn: Connection, message: ClientMessageOf<T>) => Reply | Promise<Reply>;
export type HandlerTable<K extends ClientMessageType> = { [T in K]: Handler<T> };

const handlers: HandlerTable<ClientMessageType> = {
  ...accountHandlers,
  ...meetingHandlers,
  ...roomHandlers,
  ...hostHandlers,
  ping: () => ({ type: 'pong', time: Date.now() }),
};

export function dispatch(conn: Connection, message: ClientMessage): Reply | Promise<Reply> {
  const handler = handlers[message.type] as Handler<ClientMessageType>;
  return handler(conn, message);
}
