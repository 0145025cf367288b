/**
 * The handler table: one entry per client message type. TypeScript checks
 * that every message the protocol defines has exactly one handler.
 */
import type { ClientMessage, ClientMessageType } from '../protocol/index.js';
import { accountHandlers } from '../handlers/account-handlers.js';
import { hostHandlers } from '../handlers/host-handlers.js';
import { meetingHandlers } from '../handlers/meeting-handlers.js';
import { roomHandlers } from '../handlers/room-handlers.js';
import { sfuHandlers } from '../handlers/sfu-handlers.js';
import type { Handler, HandlerConnection, HandlerTable, Reply } from '../handlers/handler-connection.js';

const handlers: HandlerTable<ClientMessageType> = {
  ...accountHandlers,
  ...meetingHandlers,
  ...roomHandlers,
  ...hostHandlers,
  ...sfuHandlers,
  ping: () => ({ type: 'pong', time: Date.now() }),
};

export function dispatch(conn: HandlerConnection, message: ClientMessage): Reply | Promise<Reply> {
  const handler = handlers[message.type] as Handler<ClientMessageType>;
  return handler(conn, message);
}
