/**
 * Picks the store engine from the configuration: PostgreSQL when a
 * postgres:// URL is given (--store, MERIMEET_STORE), else the SQLite file in
 * the data directory, as a single server has always used.
 */
import type { Logger } from '../observability/logger.js';
import { openDatabase } from './database.js';
import { PostgresSql, redactUrl } from './postgres-sql.js';
import { pruneExpired } from './server-state.js';
import type { SqlStore } from './sql.js';
import { SqliteSql } from './sqlite-sql.js';

export async function openStore(config: { dataDir: string; storeUrl?: string }, logger: Logger): Promise<SqlStore> {
  if (config.storeUrl === undefined) return new SqliteSql(openDatabase(config.dataDir));
  const where = redactUrl(config.storeUrl);
  let store: PostgresSql;
  try {
    store = await PostgresSql.open({
      url: config.storeUrl,
      onIdleError: (err) => logger.warn({ event: 'store_connection_lost', store: where, err: err.message }),
    });
  } catch (err) {
    // The URL (with its password) must not reach the log through the driver's message: name it ourselves.
    throw new Error(`could not open the PostgreSQL store at ${where}: ${(err as Error).message}`, { cause: err });
  }
  await pruneExpired(store, Date.now());
  logger.info({ event: 'store_opened', engine: 'postgres', store: where });
  return store;
}
