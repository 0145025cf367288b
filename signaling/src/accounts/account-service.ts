/**
 * Accounts and their sessions. Passwords are kept as scrypt hashes, session
 * tokens only as SHA-256 hashes: someone with a copy of the database can
 * neither log in as anyone nor learn a password cheaply.
 *
 * Throttling of failed log-ins is the connection layer's job, not this class's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../app-error.js';
import { KEY_B64URL_PATTERN, MAX_ACCOUNT_PASSWORD, MIN_ACCOUNT_PASSWORD, USERNAME_PATTERN } from '../protocol/index.js';
import { isUniqueViolation, type SqlExecutor, type SqlStore } from '../store/sql.js';
import { DUMMY_HASH, hashPassword, needsRehash, PASSWORD_COST, verifyPassword, type PasswordCost } from './password-hash.js';

export interface Session {
  token: string;
  accountId: number;
  username: string;
  expiresAt: number;
}

export interface Principal {
  accountId: number;
  username: string;
  expiresAt: number;
}

/** Enough for every device a person owns; the oldest go first past it, so rows stay bounded. */
const MAX_SESSIONS_PER_ACCOUNT = 100;
/** Expired sessions are swept at most this often (authenticate is on every reconnect). */
const PRUNE_EVERY_MS = 60_000;

interface AccountRow {
  id: number;
  username: string;
  password_hash: string;
}

export class AccountService {
  private readonly now: () => number;
  private readonly sessionTtlMs: number;
  private readonly cost: PasswordCost;
  private lastPrune = -Infinity;

  constructor(
    private readonly db: SqlStore,
    /** `passwordCost`: PASSWORD_COST unless a test of the logic asks for cheaper hashes. */
    opts: { sessionTtlMs: number; now?: () => number; passwordCost?: PasswordCost },
  ) {
    this.sessionTtlMs = opts.sessionTtlMs;
    this.now = opts.now ?? Date.now;
    this.cost = opts.passwordCost ?? PASSWORD_COST;
  }

  async register(username: string, password: string): Promise<Session> {
    if (!USERNAME_PATTERN.test(username)) {
      throw new AppError('bad_message', 'a username is 3 to 32 characters: a-z, 0-9, dot, dash, underscore');
    }
    checkPasswordPolicy(username, password);
    // Checked first so a taken name costs no hash; registration says "taken" anyway.
    if (await this.db.get(SQL.byName, [username])) throw usernameTaken();
    const hash = await hashPassword(password, this.cost);
    const now = this.now();
    try {
      return await this.db.transaction(async (tx) => {
        const row = await tx.get<{ id: number }>(SQL.insertAccount, [username, hash, now, now]);
        return this.newSession(tx, row!.id, username);
      });
    } catch (err) {
      // Someone else took the name while we were hashing (on this instance or another).
      if (isUniqueViolation(err)) throw usernameTaken();
      throw err;
    }
  }

  async login(username: string, password: string): Promise<Session> {
    const account = await this.db.get<AccountRow>(SQL.byName, [username]);
    // An unknown name still costs one scrypt, so timing does not tell which names exist.
    const ok = await verifyPassword(password, account?.password_hash ?? (await DUMMY_HASH(this.cost)));
    if (!account || !ok) throw new AppError('bad_credentials', 'wrong username or password');
    if (needsRehash(account.password_hash, this.cost)) {
      // Parameters were raised since this hash was made: upgrade it now that we have the password.
      await this.db.run(SQL.rehash, [await hashPassword(password, this.cost), account.id, account.password_hash]);
    }
    await this.pruneExpired();
    return this.newSession(this.db, account.id, account.username);
  }

  /** Who holds this token. Unknown, revoked and expired tokens all get the same answer. */
  async authenticate(token: string): Promise<Principal> {
    const now = this.now();
    await this.pruneExpired();
    if (!KEY_B64URL_PATTERN.test(token)) throw sessionExpired();
    const tokenHash = hashToken(token);
    const row = await this.db.get<{ account_id: number; expires_at: number; username: string }>(SQL.session, [tokenHash]);
    if (!row) throw sessionExpired();
    if (row.expires_at <= now) {
      await this.db.run(SQL.deleteSession, [tokenHash]);
      throw sessionExpired();
    }
    return { accountId: row.account_id, username: row.username, expiresAt: row.expires_at };
  }

  async logout(token: string): Promise<void> {
    if (KEY_B64URL_PATTERN.test(token)) await this.db.run(SQL.deleteSession, [hashToken(token)]);
  }

  /** Ends every session of the account, and marks when, so older resume tokens stop carrying it. */
  async logoutAll(accountId: number): Promise<void> {
    const now = this.now();
    await this.db.transaction(async (tx) => {
      await tx.run(SQL.deleteAccountSessions, [accountId]);
      await tx.run(SQL.markRevoked, [now, now, accountId]);
    });
  }

  /** When the account last had all its sessions revoked (epoch ms; 0 if never or no such account). */
  async sessionsRevokedAt(accountId: number): Promise<number> {
    return (await this.db.get<{ sessions_revoked_at: number }>(SQL.revokedAt, [accountId]))?.sessions_revoked_at ?? 0;
  }

  /** Replaces the password, revokes every session of the account, and returns a fresh one. */
  async changePassword(accountId: number, currentPassword: string, newPassword: string): Promise<Session> {
    const account = await this.db.get<AccountRow>(SQL.byId, [accountId]);
    if (!account) throw new AppError('unauthenticated', 'this account no longer exists');
    if (!(await verifyPassword(currentPassword, account.password_hash))) {
      throw new AppError('bad_credentials', 'the current password is wrong');
    }
    checkPasswordPolicy(account.username, newPassword);
    const hash = await hashPassword(newPassword, this.cost);
    return this.db.transaction(async (tx) => {
      const now = this.now();
      const changes = await tx.run(SQL.setPassword, [hash, now, accountId, account.password_hash]);
      // The password changed while we were hashing (another device did it first):
      // the current password we checked is no longer current.
      if (changes === 0) throw new AppError('bad_credentials', 'the password was changed meanwhile; try again');
      await tx.run(SQL.deleteAccountSessions, [accountId]);
      await tx.run(SQL.markRevoked, [now, now, accountId]);
      return this.newSession(tx, accountId, account.username);
    });
  }

  private async newSession(sql: SqlExecutor, accountId: number, username: string): Promise<Session> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = now + this.sessionTtlMs;
    await sql.run(SQL.insertSession, [hashToken(token), accountId, now, expiresAt]);
    await sql.run(SQL.trimSessions, [accountId, accountId, MAX_SESSIONS_PER_ACCOUNT]);
    return { token, accountId, username, expiresAt };
  }

  private async pruneExpired(): Promise<void> {
    const now = this.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.db.run(SQL.deleteExpired, [now]);
  }
}

/** In the SQL both store engines speak (store/sql.ts). */
const SQL = {
  byName: 'SELECT id, username, password_hash FROM accounts WHERE username = ?',
  byId: 'SELECT id, username, password_hash FROM accounts WHERE id = ?',
  insertAccount: 'INSERT INTO accounts (username, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?) RETURNING id',
  // Compare-and-set on the old hash: of two password changes racing, only one wins.
  setPassword: 'UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ? AND password_hash = ?',
  rehash: 'UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?',
  insertSession: 'INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  // rowid breaks ties of one millisecond by insertion order (PostgreSQL has a column of that name: store/migrations.ts).
  trimSessions: `DELETE FROM sessions WHERE account_id = ? AND rowid NOT IN (
       SELECT rowid FROM sessions WHERE account_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)`,
  session: `SELECT s.account_id, s.expires_at, a.username
       FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?`,
  deleteSession: 'DELETE FROM sessions WHERE token_hash = ?',
  deleteAccountSessions: 'DELETE FROM sessions WHERE account_id = ?',
  // Never backwards: clocks can step back, and a revocation must never be undone by one.
  markRevoked: 'UPDATE accounts SET sessions_revoked_at = CASE WHEN sessions_revoked_at > ? THEN sessions_revoked_at ELSE ? END WHERE id = ?',
  revokedAt: 'SELECT sessions_revoked_at FROM accounts WHERE id = ?',
  deleteExpired: 'DELETE FROM sessions WHERE expires_at <= ?',
} as const;

/** NIST SP 800-63B: length is what matters; no composition rules. */
function checkPasswordPolicy(username: string, password: string): void {
  const length = [...password.normalize('NFKC')].length;
  if (length < MIN_ACCOUNT_PASSWORD || length > MAX_ACCOUNT_PASSWORD) {
    throw new AppError(
      'weak_password',
      `a password must be ${MIN_ACCOUNT_PASSWORD} to ${MAX_ACCOUNT_PASSWORD} characters long; a few unrelated words make a good one`,
    );
  }
  if (password.normalize('NFKC').toLowerCase() === username.toLowerCase()) {
    throw new AppError('weak_password', 'the password must not be the username');
  }
}

/** SHA-256 is enough here: a token has 256 random bits, so there is nothing to brute-force. */
function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function sessionExpired(): AppError {
  return new AppError('session_expired', 'this session has expired or was signed out; log in again');
}

function usernameTaken(): AppError {
  return new AppError('username_taken', 'that username is taken; choose another');
}
