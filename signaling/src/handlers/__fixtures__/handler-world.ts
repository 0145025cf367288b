/**
 * A real server context (SQLite in a temporary folder, real rooms, stores and
 * throttles) with fake connections in front of it: the handlers are tested
 * through the HandlerConnection port alone, as connection/ drives them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../app-error.js';
import { withDefaults, type ServerConfig } from '../../config.js';
import { createContext, type ServerContext } from '../../context.js';
import { createLogger } from '../../observability/logger.js';
import { ServerMetrics } from '../../observability/metrics.js';
import type { ClientMessageOf, ClientMessageType, ErrorCode, ServerMessage } from '../../protocol/index.js';
import { iceRefreshBucket } from '../../security/ice-refresh-limit.js';
import { openDatabase } from '../../store/database.js';
import { SqliteSql } from '../../store/sqlite-sql.js';
import type { Authenticated } from '../../context.js';
import type { HandlerConnection, Membership } from '../handler-connection.js';

let nextId = 1;

/** A connection that records what the server sent it and whether it was closed. */
export class FakeConnection implements HandlerConnection {
  readonly id = nextId++;
  principal: Authenticated | null = null;
  membership: Membership | null = null;
  readonly iceRefreshes;
  readonly sent: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;

  constructor(
    readonly ctx: ServerContext,
    readonly address: string,
  ) {
    this.iceRefreshes = iceRefreshBucket(ctx.config.turnTtlSeconds);
  }

  send(message: ServerMessage): void {
    this.sent.push(message);
  }
  release(): void {
    this.membership = null;
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  /** Messages of one type sent to this connection so far. */
  received<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }
}

export interface World {
  ctx: ServerContext;
  /** A fresh connection; each gets its own address unless one is given. */
  connect(address?: string): FakeConnection;
  close(): Promise<void>;
}

let nextAddress = 1;

export function createWorld(config: Partial<ServerConfig> = {}): World {
  const dir = mkdtempSync(join(tmpdir(), 'merimeet-handlers-'));
  const full = withDefaults({ dataDir: dir, logLevel: 'silent', ...config });
  const db = new SqliteSql(openDatabase(dir));
  const ctx = createContext(full, createLogger({ level: 'silent' }), new ServerMetrics(), db, randomBytes(32));
  return {
    ctx,
    connect: (address) => new FakeConnection(ctx, address ?? `198.51.100.${nextAddress++ % 250}`),
    async close() {
      for (const room of ctx.rooms.values()) room.dispose();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A message of type `type` as the protocol decoder hands it to a handler. */
export function message<T extends ClientMessageType>(type: T, fields: Omit<ClientMessageOf<T>, 'type' | 'rid'>): ClientMessageOf<T> {
  return { type, ...fields } as ClientMessageOf<T>;
}

/** An admission key and the verifier the server keeps for it (sha256 of the key). */
export function admissionPair(): { admissionKey: string; verifier: string } {
  const key = randomBytes(32);
  return { admissionKey: key.toString('base64url'), verifier: createHash('sha256').update(key).digest('base64url') };
}

/** Runs `run` and returns the AppError it threw, failing if it threw none or another code. */
export async function refusal(run: () => unknown, code: ErrorCode): Promise<AppError> {
  let result: unknown;
  try {
    result = await run();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  throw new Error(`expected ${code}, but it answered ${JSON.stringify(result)}`);
}
