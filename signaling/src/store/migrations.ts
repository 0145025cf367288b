/**
 * The schema, as an ordered list of steps. Step i takes a database from
 * `PRAGMA user_version` i to i + 1. Steps are append-only: once one has shipped
 * it is never edited, because databases in the field have already run it.
 * Times are epoch milliseconds throughout.
 */
export const MIGRATIONS: readonly string[] = [
  // v1
  `
  CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
  );

  -- Only SHA-256 of each token: a copy of the database does not let anyone log in.
  CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_account_id ON sessions(account_id);

  -- verifier is SHA-256 of the admission key; the meeting password never reaches the server.
  CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title TEXT,
    verifier BLOB NOT NULL,
    lobby INTEGER NOT NULL,
    max_participants INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE INDEX meetings_owner_id ON meetings(owner_id);

  CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
  );

  -- Participants the host removed: their resume tokens stay valid by signature,
  -- so the server must remember to refuse them until the tokens could no longer work.
  CREATE TABLE revoked_peers (
    meeting_id TEXT NOT NULL,
    peer_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, peer_id)
  );
  `,
  // v2
  `
  -- When the account last signed out everywhere (or changed its password): resume
  -- tokens are signed, not stored, so those bound to the account before then must
  -- be refused by date (handlers/room-handlers.ts, room.resume).
  ALTER TABLE accounts ADD COLUMN sessions_revoked_at INTEGER NOT NULL DEFAULT 0;
  `,
];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;
