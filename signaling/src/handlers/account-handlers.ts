/** Register, log in and out, change password. Throttled per account and per address. */
import { AppError } from '../app-error.js';
import type { Session } from '../accounts/account-service.js';
import type { ServerMessage } from '../protocol/index.js';
import { requireAccount } from './guards.js';
import type { HandlerConnection, HandlerTable } from './handler-connection.js';

type AccountMessage =
  | 'account.register'
  | 'account.login'
  | 'account.resume'
  | 'account.logout'
  | 'account.logoutAll'
  | 'account.changePassword';

export const accountHandlers: HandlerTable<AccountMessage> = {
  'account.register': async (conn, { username, password }) => {
    const throttle = conn.ctx.throttles.registerPerAddress;
    const wait = throttle.retryAfter(conn.address);
    if (wait > 0) throw new AppError('rate_limited', 'too many new accounts from your address; try later', wait);
    throttle.failure(conn.address); // every registration counts: each costs a slow hash
    const session = await conn.ctx.accounts.register(username, password);
    conn.ctx.logger.info({ event: 'account_registered', username, conn: conn.id });
    return signIn(conn, session, true);
  },

  'account.login': async (conn, { username, password }) => {
    const { loginPerAccount, loginPerAddress } = conn.ctx.throttles;
    const accountKey = `u:${username}`;
    const wait = Math.max(loginPerAccount.retryAfter(accountKey), loginPerAddress.retryAfter(conn.address));
    if (wait > 0) throw new AppError('rate_limited', 'too many failed log-ins; wait before trying again', wait);
    try {
      const session = await conn.ctx.accounts.login(username, password);
      // Only the account's own counter is cleared: clearing the address on success would
      // let a guesser reset its back-off by logging in to an account of its own.
      loginPerAccount.success(accountKey);
      return signIn(conn, session, true);
    } catch (err) {
      if (err instanceof AppError && err.code === 'bad_credentials') {
        loginPerAccount.failure(accountKey);
        loginPerAddress.failure(conn.address);
        conn.ctx.metrics.loginFailures.inc();
        conn.ctx.logger.warn({ event: 'login_failed', username, address: conn.address });
      }
      throw err;
    }
  },

  'account.resume': async (conn, { token }) => {
    const principal = await conn.ctx.accounts.authenticate(token);
    return signIn(conn, { ...principal, token }, false);
  },

  'account.logout': async (conn) => {
    const principal = requireAccount(conn);
    await conn.ctx.accounts.logout(principal.token);
    signOut(conn);
    return undefined;
  },

  'account.logoutAll': async (conn) => {
    const principal = requireAccount(conn);
    await conn.ctx.accounts.logoutAll(principal.accountId);
    signOutEverywhere(conn, principal.accountId);
    return undefined;
  },

  'account.changePassword': async (conn, { currentPassword, newPassword }) => {
    const principal = requireAccount(conn);
    // Same back-off as log-ins: a stolen session token must not become a password oracle.
    const { loginPerAccount } = conn.ctx.throttles;
    const accountKey = `u:${principal.username}`;
    const wait = loginPerAccount.retryAfter(accountKey);
    if (wait > 0) throw new AppError('rate_limited', 'too many wrong passwords; wait before trying again', wait);
    let session: Session;
    try {
      session = await conn.ctx.accounts.changePassword(principal.accountId, currentPassword, newPassword);
    } catch (err) {
      if (err instanceof AppError && err.code === 'bad_credentials') loginPerAccount.failure(accountKey);
      throw err;
    }
    // Every other session was revoked by the change; open sockets lose their log-in too.
    signOutEverywhere(conn, principal.accountId);
    return signIn(conn, session, true);
  },
};

function signIn(conn: HandlerConnection, session: Session, withToken: boolean): ServerMessage {
  signOut(conn);
  conn.principal = { accountId: session.accountId, username: session.username, token: session.token };
  let holders = conn.ctx.sessions.get(session.accountId);
  if (!holders) conn.ctx.sessions.set(session.accountId, (holders = new Set()));
  holders.add(conn);
  const reply: ServerMessage = { type: 'account.session', username: session.username, expiresAt: session.expiresAt };
  if (withToken) reply.token = session.token;
  return reply;
}

function signOut(conn: HandlerConnection): void {
  if (!conn.principal) return;
  const holders = conn.ctx.sessions.get(conn.principal.accountId);
  holders?.delete(conn);
  if (holders?.size === 0) conn.ctx.sessions.delete(conn.principal.accountId);
  conn.principal = null;
}

function signOutEverywhere(conn: HandlerConnection, accountId: number): void {
  for (const holder of conn.ctx.sessions.get(accountId) ?? []) holder.principal = null;
  conn.ctx.sessions.delete(accountId);
}
