import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SUBPROTOCOL } from '@merimeet/signaling/protocol';
import { SignalingClient, SignalingError, backoffDelay, type ConnectionState, type WebSocketLike } from './signaling-client.js';

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  protocol = '';
  sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly requested: string,
  ) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  // test controls
  open() {
    this.readyState = 1;
    this.protocol = this.requested;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  static last() {
    return FakeSocket.all[FakeSocket.all.length - 1]!;
  }
}

const make = (extra: Partial<ConstructorParameters<typeof SignalingClient>[0]> = {}) =>
  new SignalingClient({ url: 'wss://example.test/ws', createSocket: (u, p) => new FakeSocket(u, p), random: () => 0.5, ...extra });

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

async function connected(extra = {}) {
  const c = make(extra);
  const p = c.connect();
  FakeSocket.last().open();
  await p;
  return c;
}

describe('backoffDelay', () => {
  it('grows exponentially from 250 ms, capped at 8 s, with jitter in the upper half', () => {
    expect(backoffDelay(0, () => 0)).toBe(125);
    expect(backoffDelay(0, () => 1)).toBe(250);
    expect(backoffDelay(1, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(2000);
    expect(backoffDelay(5, () => 1)).toBe(8000);
    expect(backoffDelay(50, () => 1)).toBe(8000);
    expect(backoffDelay(50, () => 0)).toBe(4000);
  });
});

describe('SignalingClient', () => {
  it('offers the subprotocol and resolves connect() on open', async () => {
    const states: ConnectionState[] = [];
    const c = make();
    c.onState((s) => states.push(s));
    const p = c.connect();
    expect(FakeSocket.last().requested).toBe(SUBPROTOCOL);
    FakeSocket.last().open();
    await p;
    expect(c.state).toBe('open');
    expect(states).toEqual(['connecting', 'open']);
  });

  it('rejects connect() when the first attempt fails, without retrying', async () => {
    const c = make();
    const p = c.connect();
    FakeSocket.last().drop(1006);
    await expect(p).rejects.toMatchObject({ code: 'unreachable' });
    expect(c.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('matches replies by rid and rejects errors with their code', async () => {
    const c = await connected();
    const s = FakeSocket.last();
    const a = c.request({ type: 'meeting.list' });
    const b = c.request({ type: 'meeting.reserve' });
    const [ra, rb] = s.sent as { rid: number }[];
    expect(ra!.rid).not.toBe(rb!.rid);
    s.receive({ type: 'error', rid: rb!.rid, code: 'unauthenticated', message: 'log in first' });
    s.receive({ type: 'meeting.list', rid: ra!.rid, meetings: [] });
    await expect(a).resolves.toEqual({ type: 'meeting.list', rid: ra!.rid, meetings: [] });
    const err = await b.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignalingError);
    expect(err).toMatchObject({ code: 'unauthenticated' });
  });

  it('times out requests that get no reply', async () => {
    const c = await connected({ requestTimeoutMs: 1000 });
    const p = c.request({ type: 'meeting.list' });
    const check = expect(p).rejects.toMatchObject({ code: 'timeout' });
    await vi.advanceTimersByTimeAsync(1001);
    await check;
  });

  it('emits valid push messages and drops and counts invalid frames', async () => {
    const c = await connected();
    const got: string[] = [];
    c.onMessage((m) => got.push(m.type));
    const s = FakeSocket.last();
    s.receive('not json');
    s.receive({ type: 'room.peerLeft', peerId: 'nope' });
    s.receive({ type: 'nonsense' });
    s.receive({ type: 'room.locked', locked: true });
    expect(got).toEqual(['room.locked']);
    expect(c.droppedFrames).toBe(3);
  });

  it('sends fire-and-forget messages without rid', async () => {
    const c = await connected();
    expect(c.send({ type: 'presence.update', muted: true })).toBe(true);
    expect(FakeSocket.last().sent[0]).toEqual({ type: 'presence.update', muted: true });
  });

  it('reconnects with growing back-off after an unexpected close, and says so', async () => {
    const c = await connected();
    const states: ConnectionState[] = [];
    const opens: boolean[] = [];
    c.onState((s) => states.push(s));
    c.onOpen((i) => opens.push(i.reconnected));
    const pending = c.request({ type: 'meeting.list' });
    FakeSocket.last().drop(1006);
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    expect(c.state).toBe('reconnecting');
    expect(c.send({ type: 'ping' })).toBe(false);

    // attempt 0 after 250*0.75 ≈ 188 ms
    await vi.advanceTimersByTimeAsync(187);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.last().drop(1006); // fails before opening
    await vi.advanceTimersByTimeAsync(374);
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // 500*0.75 = 375
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.last().open();
    expect(c.state).toBe('open');
    expect(states).toEqual(['reconnecting', 'open']);
    expect(opens).toEqual([true]);

    // the back-off starts over after a successful open
    FakeSocket.last().drop(1006);
    await vi.advanceTimersByTimeAsync(188);
    expect(FakeSocket.all).toHaveLength(4);
  });

  it('retryNow() makes the next attempt at once, without resetting the back-off', async () => {
    const c = await connected();
    c.retryNow(); // open: nothing to do
    expect(FakeSocket.all).toHaveLength(1);
    FakeSocket.last().drop(1006);
    c.retryNow();
    expect(FakeSocket.all).toHaveLength(2);
    c.retryNow(); // an attempt is already under way: no second socket
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.last().drop(1006); // fails: the next wait is attempt 1's (375 ms), not attempt 0's
    await vi.advanceTimersByTimeAsync(374);
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.last().open();
    expect(c.state).toBe('open');
  });

  it('after server.draining + 1012, waits about reconnectInMs', async () => {
    const c = await connected();
    FakeSocket.last().receive({ type: 'server.draining', reconnectInMs: 1000 });
    FakeSocket.last().drop(1012);
    expect(c.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('does not reconnect after 4010 (replaced) or close()', async () => {
    const c = await connected();
    FakeSocket.last().drop(4010);
    expect(c.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);

    const d = await connected();
    d.close();
    expect(FakeSocket.last().closedWith).toBe(1000);
    expect(d.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('pings every 10 s and treats a socket silent through two pings as dead', async () => {
    const c = await connected();
    const first = FakeSocket.last();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(first.sent).toEqual([{ type: 'ping' }]);
    first.receive({ type: 'pong', time: 1 }); // alive
    await vi.advanceTimersByTimeAsync(10_000);
    expect(first.sent).toHaveLength(2);
    // No answer for one period (a stalled page may not have read it yet): ping again.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(first.sent).toHaveLength(3);
    expect(c.state).toBe('open');
    expect(first.closedWith).toBeNull();
    // Nothing through two pings: dead.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(first.closedWith).toBe(4000);
    expect(c.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(250);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('ignores events from a socket it has let go', async () => {
    const c = await connected();
    const old = FakeSocket.last();
    old.drop(1006);
    await vi.advanceTimersByTimeAsync(250);
    FakeSocket.last().open();
    const got: string[] = [];
    c.onMessage((m) => got.push(m.type));
    old.receive({ type: 'room.locked', locked: true });
    expect(got).toEqual([]);
  });
});
