/**
 * Small durable facts the server keeps beside accounts and meetings: its
 * secrets, and the participants a host removed. Written against the store
 * interface, so every instance sharing one PostgreSQL database sees the same.
 */
import { randomBytes } from 'node:crypto';
import type { SqlExecutor } from './sql.js';

/**
 * A random secret that stays the same across restarts (e.g. the HMAC key of
 * resume tokens, so a restart does not strand everyone mid-meeting), and is
 * the same on every instance of a cluster (so a token issued by one is
 * honoured by the others).
 */
export async function getOrCreateSecret(sql: SqlExecutor, name: string, bytes = 32): Promise<Buffer> {
  // Insert-if-absent then read: if two callers (or instances) race, both end up with the first one's value.
  await sql.run('INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, randomBytes(bytes)]);
  const row = await sql.get<{ value: Buffer }>('SELECT value FROM server_secrets WHERE name = ?', [name]);
  if (!row) throw new Error(`server secret ${name} vanished right after it was written`);
  return row.value;
}

/** Refuse this participant's way back into this meeting until `expiresAt`. */
export async function revokePeer(sql: SqlExecutor, meetingId: string, peerId: string, expiresAt: number): Promise<void> {
  // CASE rather than max()/GREATEST(): the one spelling both engines accept. Never shortens a revocation.
  await sql.run(
    `INSERT INTO revoked_peers (meeting_id, peer_id, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (meeting_id, peer_id) DO UPDATE SET expires_at =
       CASE WHEN excluded.expires_at > revoked_peers.expires_at THEN excluded.expires_at ELSE revoked_peers.expires_at END`,
    [meetingId, peerId, expiresAt],
  );
}

export async function isPeerRevoked(sql: SqlExecutor, meetingId: string, peerId: string, now: number): Promise<boolean> {
  const row = await sql.get('SELECT 1 AS revoked FROM revoked_peers WHERE meeting_id = ? AND peer_id = ? AND expires_at > ?', [
    meetingId,
    peerId,
    now,
  ]);
  return row !== undefined;
}

/** Drops sessions and revocations that can no longer matter. */
export async function pruneExpired(sql: SqlExecutor, now: number): Promise<void> {
  await sql.run('DELETE FROM revoked_peers WHERE expires_at <= ?', [now]);
  await sql.run('DELETE FROM sessions WHERE expires_at <= ?', [now]);
}
