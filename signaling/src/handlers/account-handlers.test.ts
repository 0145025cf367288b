/**
 * Sign-in over the socket. Real scrypt (~0.3 s a hash, more on a busy
 * machine): each test spends as few hashes as it can.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocol/index.js';
import { createWorld, message, refusal, type World } from './__fixtures__/handler-world.js';
import { accountHandlers } from './account-handlers.js';

const SLOW = 60_000;
let world: World;

beforeAll(() => {
  world = createWorld();
});
afterAll(() => world.close());

type Session = Extract<ServerMessage, { type: 'account.session' }>;

describe('account handlers', () => {
  it('register signs the connection in and hands out a token that resumes on another connection', async () => {
    const conn = world.connect();
    const session = (await accountHandlers['account.register'](conn, message('account.register', { username: 'ada', password: 'correct horse battery' }))) as Session;
    expect(session).toMatchObject({ type: 'account.session', username: 'ada' });
    expect(session.token).toEqual(expect.any(String));
    expect(conn.principal?.username).toBe('ada');
    const other = world.connect();
    const resumed = (await accountHandlers['account.resume'](other, message('account.resume', { token: session.token! }))) as Session;
    // A resume never repeats the token on the wire.
    expect(resumed).toMatchObject({ username: 'ada' });
    expect(resumed.token).toBeUndefined();
    expect(world.ctx.sessions.get(conn.principal!.accountId)?.size).toBe(2);
  }, SLOW);

  it('refuses a resume with a token that is unknown, malformed or revoked', async () => {
    for (const token of ['', 'x', 'A'.repeat(43)]) {
      await refusal(() => accountHandlers['account.resume'](world.connect(), message('account.resume', { token })), 'session_expired');
    }
  });

  it('a wrong password is refused, counted, and backs the account off', async () => {
    const address = '203.0.113.50';
    await accountHandlers['account.register'](world.connect(), message('account.register', { username: 'bob', password: 'the right one here' }));
    const wrong = () => accountHandlers['account.login'](world.connect(address), message('account.login', { username: 'bob', password: 'not the password' }));
    await refusal(wrong, 'bad_credentials');
    let limited = null;
    for (let i = 0; i < 8 && !limited; i++) {
      try {
        await wrong();
      } catch (err) {
        if ((err as { code?: string }).code === 'rate_limited') limited = err as { retryAfterMs?: number };
      }
    }
    expect(limited, 'no back-off after 9 wrong passwords').not.toBeNull();
    expect(limited?.retryAfterMs).toBeGreaterThan(0);
    // Backed off, even with the right password, and from another address: the account is what is protected.
    await refusal(() => accountHandlers['account.login'](world.connect(), message('account.login', { username: 'bob', password: 'the right one here' })), 'rate_limited');
  }, SLOW);

  it('logout needs a log-in; log out everywhere signs out every open connection of the account', async () => {
    await refusal(() => accountHandlers['account.logout'](world.connect(), message('account.logout', {})), 'unauthenticated');
    const first = world.connect();
    const session = (await accountHandlers['account.register'](first, message('account.register', { username: 'cleo', password: 'cleo has a password' }))) as Session;
    const second = world.connect();
    await accountHandlers['account.resume'](second, message('account.resume', { token: session.token! }));
    await accountHandlers['account.logoutAll'](second, message('account.logoutAll', {}));
    expect(first.principal).toBeNull();
    expect(second.principal).toBeNull();
    await refusal(() => accountHandlers['account.resume'](world.connect(), message('account.resume', { token: session.token! })), 'session_expired');
  }, SLOW);
});
