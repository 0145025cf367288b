import { describe, expect, it } from 'vitest';
import { ENGINES, useStore } from './__fixtures__/engines.js';
import { PostgresSql } from './postgres-sql.js';
import { getOrCreateSecret, isPeerRevoked, pruneExpired, revokePeer } from './server-state.js';

describe.each(ENGINES)('server state on %s', (engine) => {
  const store = useStore(engine);

  describe('getOrCreateSecret', () => {
    it('makes a random secret of the asked size, different per name', async () => {
      const a = await getOrCreateSecret(store.sql, 'a');
      expect(a).toHaveLength(32);
      expect(await getOrCreateSecret(store.sql, 'b', 64)).toHaveLength(64);
      expect((await getOrCreateSecret(store.sql, 'b')).equals(a)).toBe(false);
    });

    it('gives the same secret on every call and after a reopen', async () => {
      const first = await getOrCreateSecret(store.sql, 'resume-token-hmac');
      expect((await getOrCreateSecret(store.sql, 'resume-token-hmac')).equals(first)).toBe(true);
      expect((await getOrCreateSecret(await store.reopen(), 'resume-token-hmac')).equals(first)).toBe(true);
    });

    it('gives racing callers one and the same secret', async () => {
      const all = await Promise.all(Array.from({ length: 8 }, () => getOrCreateSecret(store.sql, 'raced')));
      for (const s of all) expect(s.equals(all[0]!)).toBe(true);
    });
  });

  describe('revoked peers', () => {
    it('refuses a revoked peer until the revocation expires, in that meeting only', async () => {
      await revokePeer(store.sql, 'abc-defg-hjk', '0123456789abcdef', 2000);
      expect(await isPeerRevoked(store.sql, 'abc-defg-hjk', '0123456789abcdef', 1999)).toBe(true);
      expect(await isPeerRevoked(store.sql, 'abc-defg-hjk', '0123456789abcdef', 2000)).toBe(false);
      expect(await isPeerRevoked(store.sql, 'xyz-defg-hjk', '0123456789abcdef', 1000)).toBe(false);
      expect(await isPeerRevoked(store.sql, 'abc-defg-hjk', 'fedcba9876543210', 1000)).toBe(false);
    });

    it('never shortens a revocation when the same peer is revoked again', async () => {
      await revokePeer(store.sql, 'abc-defg-hjk', 'p', 5000);
      await revokePeer(store.sql, 'abc-defg-hjk', 'p', 3000);
      expect(await isPeerRevoked(store.sql, 'abc-defg-hjk', 'p', 4000)).toBe(true);
      await revokePeer(store.sql, 'abc-defg-hjk', 'p', 9000);
      expect(await isPeerRevoked(store.sql, 'abc-defg-hjk', 'p', 8000)).toBe(true);
    });

    it('remembers revocations across a reopen, and prunes them once expired', async () => {
      const until = Date.now() + 3600_000;
      await revokePeer(store.sql, 'abc-defg-hjk', 'p', until);
      await revokePeer(store.sql, 'abc-defg-hjk', 'old', 10);
      const again = await store.reopen();
      expect(await isPeerRevoked(again, 'abc-defg-hjk', 'p', Date.now())).toBe(true);
      await pruneExpired(again, Date.now());
      expect(await again.all('SELECT peer_id FROM revoked_peers')).toEqual([{ peer_id: 'p' }]);
    });
  });

  describe('transactions', () => {
    it('commits all or nothing', async () => {
      await expect(
        store.sql.transaction(async (tx) => {
          await tx.run("INSERT INTO server_secrets (name, value) VALUES ('kept-not', ?)", [Buffer.alloc(1)]);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await store.sql.get("SELECT name FROM server_secrets WHERE name = 'kept-not'")).toBeUndefined();
    });

    it('keeps other requests out of an open transaction until it ends', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const tx = store.sql.transaction(async (t) => {
        await t.run("INSERT INTO server_secrets (name, value) VALUES ('inside', ?)", [Buffer.alloc(1)]);
        await held;
        throw new Error('rolled back');
      });
      // Issued while the transaction is open: it must not become part of it (and so be rolled back with it).
      const outside = store.sql.run("INSERT INTO server_secrets (name, value) VALUES ('outside', ?)", [Buffer.alloc(1)]);
      await new Promise((r) => setTimeout(r, 20));
      release();
      await expect(tx).rejects.toThrow('rolled back');
      await outside;
      expect(await store.sql.all('SELECT name FROM server_secrets ORDER BY name')).toEqual([{ name: 'outside' }]);
    });
  });
});

describe('PostgreSQL migrations', () => {
  const store = useStore('postgres');

  it('bring a new database to the current schema, with the same tables as SQLite', async () => {
    const tables = await store.sql.all<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['accounts', 'meetings', 'merimeet_schema', 'revoked_peers', 'room_homes', 'server_secrets', 'sessions']);
    const { SCHEMA_VERSION } = await import('./migrations.js');
    expect(await store.sql.get('SELECT version FROM merimeet_schema')).toEqual({ version: SCHEMA_VERSION });
  });

  it('run once however many instances open the database at the same time, and again changes nothing', async () => {
    const { url } = store;
    await store.sql.run("INSERT INTO server_secrets (name, value) VALUES ('kept', ?)", [Buffer.alloc(1)]);
    const opened = await Promise.all(
      Array.from({ length: 3 }, () =>
        PostgresSql.open({
          url,
          onIdleError: (err) => {
            throw err;
          },
        }),
      ),
    );
    try {
      expect(await opened[0]!.all('SELECT version FROM merimeet_schema')).toHaveLength(1);
      expect(await opened[2]!.get("SELECT name FROM server_secrets WHERE name = 'kept'")).toEqual({ name: 'kept' });
    } finally {
      for (const s of opened) await s.close();
    }
  });

  it('refuse a database written by a newer schema, and leave it untouched', async () => {
    const { url } = store;
    const { SCHEMA_VERSION } = await import('./migrations.js');
    await store.sql.run('UPDATE merimeet_schema SET version = ?', [SCHEMA_VERSION + 1]);
    await expect(PostgresSql.open({ url, onIdleError: () => undefined })).rejects.toThrow(
      `schema version ${SCHEMA_VERSION + 1}, but this server only knows up to ${SCHEMA_VERSION}`,
    );
    expect(await store.sql.get('SELECT version FROM merimeet_schema')).toEqual({ version: SCHEMA_VERSION + 1 });
  });
});
