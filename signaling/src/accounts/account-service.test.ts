import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../app-error.js';
import type { ErrorCode } from '../protocol/index.js';
import { ENGINES, useStore } from '../store/__fixtures__/engines.js';
import { DATABASE_FILE } from '../store/database.js';
import { SqliteSql } from '../store/sqlite-sql.js';
import { AccountService } from './account-service.js';
import { DUMMY_HASH, type PasswordCost } from './password-hash.js';

/**
 * The logic runs on cheap hashes (N=2^10, about 1 ms); the tests of what is stored and of the
 * timing use the server's own cost (~0.3 s a hash here) and say so.
 */
const CHEAP: PasswordCost = { log2N: 10 };
// Budget per test: the two with real hashes make at most 4 (~0.3 s each quiet); PostgreSQL's tests share 2 loaded cores.
const SLOW = 30_000;
const TTL = 24 * 3600_000;

async function rejectsWith(promise: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<AppError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    return err as AppError;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

describe.each(ENGINES)('accounts on %s', (engine) => {
  const store = useStore(engine);
  let clock: number;
  let accounts: AccountService;

  beforeEach(() => {
    clock = Date.now(); // opening the store prunes by the real clock, so test sessions must not start out expired
    accounts = new AccountService(store.sql, { sessionTtlMs: TTL, now: () => clock, passwordCost: CHEAP });
  });

  async function count(table: string, where = '', params: (number | Buffer)[] = []): Promise<number> {
    const row = await store.sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} ${where}`, params);
    return row!.n;
  }
  async function insertSession(tokenHash: Buffer, accountId: number, createdAt: number, expiresAt: number): Promise<void> {
    await store.sql.run('INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      tokenHash,
      accountId,
      createdAt,
      expiresAt,
    ]);
  }

  describe('register', () => {
    it('creates the account and a working session, storing neither the token nor the password in plain text', async () => {
      accounts = new AccountService(store.sql, { sessionTtlMs: TTL, now: () => clock }); // the server's own cost
      const session = await accounts.register('alice', 'correct horse battery');
      expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(session).toMatchObject({ username: 'alice', expiresAt: clock + TTL });
      expect(await accounts.authenticate(session.token)).toEqual({
        accountId: session.accountId,
        username: 'alice',
        expiresAt: clock + TTL,
      });

      const rows = await store.sql.all<Record<string, unknown>>('SELECT * FROM sessions');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash).toEqual(createHash('sha256').update(session.token).digest());
      const account = (await store.sql.get<Record<string, unknown>>('SELECT * FROM accounts'))!;
      expect(account.password_hash).toMatch(/^scrypt\$17\$8\$1\$/);
      // Nothing in the database file holds the token or the password as text.
      if (!(store.sql instanceof SqliteSql)) return; // PostgreSQL's files are its own; the rows above say the same
      store.sql.db.pragma('wal_checkpoint(TRUNCATE)');
      const file = readFileSync(join(store.dir, DATABASE_FILE));
      expect(file.includes(session.token)).toBe(false);
      expect(file.includes('correct horse battery')).toBe(false);
      expect(file.includes('alice')).toBe(true); // the check can see text when it is there
    }, SLOW);

    it('keeps accounts and sessions across a restart', async () => {
      const session = await accounts.register('alice', 'correct horse battery');
      accounts = new AccountService(await store.reopen(), { sessionTtlMs: TTL, now: () => clock, passwordCost: CHEAP });
      expect((await accounts.authenticate(session.token)).username).toBe('alice');
    }, SLOW);

    it('refuses a taken username', async () => {
      await accounts.register('alice', 'correct horse battery');
      const err = await rejectsWith(accounts.register('alice', 'another good password'), 'username_taken');
      expect(err.message).toMatch(/taken/);
    }, SLOW);

    it('lets only one of two simultaneous registrations of a name succeed', async () => {
      const results = await Promise.allSettled([
        accounts.register('alice', 'correct horse battery'),
        accounts.register('alice', 'another good password'),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected')!;
      expect((rejected.reason as AppError).code).toBe('username_taken');
      expect(await count('accounts')).toBe(1);
    }, SLOW);

    it('refuses passwords that are too short, too long, or the username, with a reason', async () => {
      const short = await rejectsWith(accounts.register('alice', '1234567'), 'weak_password');
      expect(short.message).toMatch(/8 to 256 characters/);
      await rejectsWith(accounts.register('alice', 'x'.repeat(257)), 'weak_password');
      expect((await rejectsWith(accounts.register('alicealice', 'AliceAlice'), 'weak_password')).message).toMatch(/username/);
      expect(await count('accounts')).toBe(0);
    });

    it('counts characters, not bytes: 8 accented letters are long enough', async () => {
      await expect(accounts.register('alice', 'éééééééé')).resolves.toMatchObject({ username: 'alice' });
    }, SLOW);

    it('refuses a username the protocol would not allow', async () => {
      await rejectsWith(accounts.register('Alice', 'correct horse battery'), 'bad_message');
    });
  });

  describe('login', () => {
    it('gives a new session for the right password, and the same answer for a wrong password or an unknown name', async () => {
      const first = await accounts.register('alice', 'correct horse battery');
      const second = await accounts.login('alice', 'correct horse battery');
      expect(second.token).not.toBe(first.token);
      expect(second.accountId).toBe(first.accountId);
      expect((await accounts.authenticate(first.token)).accountId).toBe(first.accountId);

      const wrong = await rejectsWith(accounts.login('alice', 'wrong horse battery'), 'bad_credentials');
      const unknown = await rejectsWith(accounts.login('bob', 'correct horse battery'), 'bad_credentials');
      expect(unknown.message).toBe(wrong.message);
    }, SLOW);

    it('spends a full scrypt on an unknown username, so timing does not reveal which names exist', async () => {
      accounts = new AccountService(store.sql, { sessionTtlMs: TTL, now: () => clock }); // the server's own cost
      await DUMMY_HASH(); // made once per process; not part of what is measured
      const started = performance.now();
      await rejectsWith(accounts.login('nobody', 'correct horse battery'), 'bad_credentials');
      // One N=2^17 scrypt takes ~300 ms here; a bare lookup takes well under 1 ms.
      expect(performance.now() - started).toBeGreaterThan(100);
    }, SLOW);

    it('keeps at most 100 sessions per account, dropping the oldest', async () => {
      const { accountId, token: oldest } = await accounts.register('alice', 'correct horse battery');
      for (let i = 0; i < 150; i++) await insertSession(Buffer.from(`s${i}`), accountId, clock + i, clock + TTL);
      clock += 1000;
      const newest = await accounts.login('alice', 'correct horse battery');
      expect(await count('sessions', 'WHERE account_id = ?', [accountId])).toBe(100);
      expect((await accounts.authenticate(newest.token)).accountId).toBe(accountId);
      await rejectsWith(() => accounts.authenticate(oldest), 'session_expired');
    }, SLOW);
  });

  describe('sessions', () => {
    it('refuses unknown and malformed tokens as expired sessions', async () => {
      await rejectsWith(accounts.authenticate('A'.repeat(43)), 'session_expired');
      await rejectsWith(accounts.authenticate(''), 'session_expired');
      await rejectsWith(accounts.authenticate('not a token at all'), 'session_expired');
    });

    it('refuses a session once its lifetime is over, and forgets it', async () => {
      const { token } = await accounts.register('alice', 'correct horse battery');
      clock += TTL - 1;
      expect((await accounts.authenticate(token)).username).toBe('alice');
      clock += 1;
      await rejectsWith(() => accounts.authenticate(token), 'session_expired');
      expect(await count('sessions')).toBe(0);
    }, SLOW);

    it('sweeps other expired sessions while it works', async () => {
      const { accountId } = await accounts.register('alice', 'correct horse battery');
      await insertSession(Buffer.from('stale'), accountId, clock, clock + 1);
      clock += 2 * 60_000;
      await rejectsWith(() => accounts.authenticate('B'.repeat(43)), 'session_expired');
      expect(await count('sessions', 'WHERE token_hash = ?', [Buffer.from('stale')])).toBe(0);
    }, SLOW);

    it('logout ends that one session only', async () => {
      const a = await accounts.register('alice', 'correct horse battery');
      const b = await accounts.login('alice', 'correct horse battery');
      await accounts.logout(a.token);
      await accounts.logout(a.token); // twice is harmless
      await accounts.logout('garbage');
      await rejectsWith(() => accounts.authenticate(a.token), 'session_expired');
      expect((await accounts.authenticate(b.token)).username).toBe('alice');
    }, SLOW);

    it('logoutAll ends every session of the account and no one else’s', async () => {
      const a = await accounts.register('alice', 'correct horse battery');
      const b = await accounts.login('alice', 'correct horse battery');
      const bob = await accounts.register('bob', 'bob has a good password');
      await accounts.logoutAll(a.accountId);
      await rejectsWith(() => accounts.authenticate(a.token), 'session_expired');
      await rejectsWith(() => accounts.authenticate(b.token), 'session_expired');
      expect((await accounts.authenticate(bob.token)).username).toBe('bob');
    }, SLOW);

    it('logoutAll and changePassword record when, so resume tokens bound earlier can be refused', async () => {
      const a = await accounts.register('alice', 'correct horse battery');
      const bob = await accounts.register('bob', 'bob has a good password');
      expect(await accounts.sessionsRevokedAt(a.accountId)).toBe(0);
      clock += 1000;
      await accounts.logoutAll(a.accountId);
      expect(await accounts.sessionsRevokedAt(a.accountId)).toBe(clock);
      expect(await accounts.sessionsRevokedAt(bob.accountId)).toBe(0);
      clock += 1000;
      await accounts.changePassword(bob.accountId, 'bob has a good password', 'a brand new passphrase');
      expect(await accounts.sessionsRevokedAt(bob.accountId)).toBe(clock);
    }, SLOW);
  });

  describe('changePassword', () => {
    it('replaces the password, revokes every old session and returns a working new one', async () => {
      const a = await accounts.register('alice', 'correct horse battery');
      const fresh = await accounts.changePassword(a.accountId, 'correct horse battery', 'a brand new passphrase');
      await rejectsWith(() => accounts.authenticate(a.token), 'session_expired');
      expect((await accounts.authenticate(fresh.token)).accountId).toBe(a.accountId);
      await rejectsWith(accounts.login('alice', 'correct horse battery'), 'bad_credentials');
      await expect(accounts.login('alice', 'a brand new passphrase')).resolves.toMatchObject({ username: 'alice' });
    }, SLOW);

    it('needs the current password, and changes nothing without it', async () => {
      const a = await accounts.register('alice', 'correct horse battery');
      await rejectsWith(accounts.changePassword(a.accountId, 'wrong horse battery', 'a brand new passphrase'), 'bad_credentials');
      expect((await accounts.authenticate(a.token)).username).toBe('alice');
    }, SLOW);

    it('applies the password policy to the new password', async () => {
      const a = await accounts.register('alice', 'correct horse battery');
      await rejectsWith(accounts.changePassword(a.accountId, 'correct horse battery', 'short'), 'weak_password');
      expect((await accounts.authenticate(a.token)).username).toBe('alice');
    }, SLOW);

    it('lets only the first of two racing changes win', async () => {
      const a = await accounts.register('alice', 'correct horse battery');
      const results = await Promise.allSettled([
        accounts.changePassword(a.accountId, 'correct horse battery', 'first new passphrase'),
        accounts.changePassword(a.accountId, 'correct horse battery', 'second new passphrase'),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const winner = results.find((r) => r.status === 'fulfilled')!;
      expect((await accounts.authenticate(winner.value.token)).accountId).toBe(a.accountId);
    }, SLOW);
  });
});
