/**
 * Property-based fuzzing of ONE real server (real TLS, real SQLite) over real
 * sockets: arbitrary text and bytes, arbitrary JSON, near-valid messages made
 * by mutating a valid one of every client type, and out-of-order sequences.
 *
 * For every frame the server must answer with a frame the protocol defines
 * (every server frame is checked with decodeServerMessage), with an `error`
 * whose code is in ERROR_CODES (and never `internal`, which the protocol
 * documents as a server bug), or close with a documented close code; never
 * crash and never hang (each check has a deadline). Meanwhile two
 * well-behaved participants keep exchanging signals and pings, and must be
 * served throughout; at the end the server is healthy and its memory did not
 * grow with the number of frames.
 *
 * Seeds are fixed (FUZZ_SEED overrides); fast-check prints the seed and the
 * shrunk counterexample on failure.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CLOSE,
  ERROR_CODES,
  MAX_FRAME_BYTES,
  MAX_SIGNAL_DEPTH,
  SUBPROTOCOL,
  decodeClientMessage,
  decodeServerMessage,
  type ErrorCode,
  type ServerMessage,
} from '../../../signaling/src/protocol/index.js';
import { httpsGet } from '../support/https.js';
import { hostMeeting, join, sleep, type HostedMeeting } from '../support/meeting.js';
import { memoryAfterGc, mib, type MemorySample } from '../support/memory.js';
import type { TestClient } from '../support/test-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x6d657269);
/** Runs per property; FUZZ_SCALE=3 fuzzes three times as long. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

/** Close codes the protocol documents (docs/protocol.md §7.2): CLOSE, plus ws's own 1007 for text that is not UTF-8. */
const DOCUMENTED_CLOSES = new Set<number>([...Object.values(CLOSE), 1007]);
/** Each check (a frame, a request in a sequence) must be answered within this; scrypt can queue a login for a while. */
const DEADLINE_MS = 15_000;
const FUZZ_ADDRESS = '127.0.0.3';
const SEQUENCE_ADDRESS = '127.0.0.4';
/** Valid-looking ids for things that do not exist. */
const NO_MEETING = 'zzz-zzzz-zzz';
const NO_PEER = '0123456789abcdef';
const SOME_KEY = 'A'.repeat(43);

// ── Validating every server frame ────────────────────────────────────────────

/** Every server frame, on every connection of this file, that the protocol does not define. */
const violations: string[] = [];
/** Every `internal` error seen: the protocol documents it as a server bug. */
const internals: string[] = [];
const closeCounts = new Map<number, number>();
const errorCounts = new Map<string, number>();

/** Problems found on one connection (also added to the file-wide lists). */
interface Findings {
  violations: string[];
  internals: string[];
}

function validate(label: string, data: WebSocket.RawData, isBinary: boolean, own?: Findings): ServerMessage | undefined {
  const text = data.toString();
  const note = (list: 'violations' | 'internals', what: string) => {
    (list === 'violations' ? violations : internals).push(`${label}: ${what}`);
    own?.[list].push(what);
  };
  if (isBinary) {
    note('violations', `binary frame ${text.slice(0, 200)}`);
    return undefined;
  }
  const decoded = decodeServerMessage(text);
  if (!decoded.ok) {
    note('violations', `${decoded.detail}: ${text.slice(0, 300)}`);
    return undefined;
  }
  const m = decoded.message;
  if (m.type === 'error') {
    errorCounts.set(m.code, (errorCounts.get(m.code) ?? 0) + 1);
    if (m.code === 'internal') note('internals', text.slice(0, 300));
  }
  return m;
}

/** Checks every frame a TestClient receives, alongside its own handling. */
function watch(client: TestClient, label: string): void {
  client.ws.on('message', (data, isBinary) => validate(label, data, isBinary));
}

type Closed = { code: number; reason: string };

/** A raw connection whose every frame is validated; waits resolve with null when the socket closes. */
class Probe implements Findings {
  readonly frames: ServerMessage[] = [];
  readonly violations: string[] = [];
  readonly internals: string[] = [];
  closed: Closed | null = null;
  private wake: Array<() => void> = [];

  private constructor(
    readonly ws: WebSocket,
    readonly label: string,
  ) {
    ws.on('message', (data, isBinary) => {
      const m = validate(label, data, isBinary, this);
      if (m) this.frames.push(m);
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      closeCounts.set(code, (closeCounts.get(code) ?? 0) + 1);
      this.notify();
    });
    ws.on('error', () => {});
  }

  static async open(t: TestServer, localAddress: string, label: string): Promise<Probe> {
    const ws = new WebSocket(t.url, [SUBPROTOCOL], { ca: t.ca, localAddress, maxPayload: 2 * MAX_FRAME_BYTES });
    const probe = new Probe(ws, label);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return probe;
  }

  private notify(): void {
    for (const w of this.wake.splice(0)) w();
  }

  sendText(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  sendBytes(bytes: Uint8Array, binary: boolean): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(Buffer.from(bytes), { binary });
  }

  /** The index of the first frame at or after `from` that matches; null once the socket has closed without one. */
  async waitFor(match: (m: ServerMessage) => boolean, from: number, what: string): Promise<number | null> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const i = this.frames.findIndex((m, k) => k >= from && match(m));
      if (i >= 0) return i;
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: server did not answer ${what} within ${DEADLINE_MS} ms (hang)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

// ── Frames ───────────────────────────────────────────────────────────────────

type Frame = { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array; binary: boolean };

const describeFrame = (f: Frame) =>
  f.kind === 'text'
    ? `text(${f.text.length} chars) ${JSON.stringify(f.text.slice(0, 300))}`
    : `${f.binary ? 'binary' : 'raw text'}(${f.bytes.length} bytes) ${Buffer.from(f.bytes).toString('hex').slice(0, 200)}`;

const utf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** What the server must do with a frame, worked out with the protocol's own codec. */
type Expected =
  | { close: 1009 | 1007 }
  | { error: ErrorCode; rid: number | undefined; strike: true }
  | { valid: true; rid: number | undefined };

function expectationFor(frame: Frame): Expected {
  const size = frame.kind === 'text' ? Buffer.byteLength(frame.text) : frame.bytes.length;
  if (size > MAX_FRAME_BYTES) return { close: 1009 };
  if (frame.kind === 'bytes' && frame.binary) return { error: 'bad_message', rid: undefined, strike: true };
  if (frame.kind === 'bytes' && !isUtf8(frame.bytes)) return { close: 1007 };
  const text = frame.kind === 'text' ? frame.text : Buffer.from(frame.bytes).toString('utf8');
  const decoded = decodeClientMessage(text);
  if (!decoded.ok) return { error: decoded.code, rid: decoded.rid, strike: true };
  return { valid: true, rid: decoded.message.rid };
}

// ── The server and the two well-behaved participants ─────────────────────────

let t: TestServer;
let calm: HostedMeeting;
let alice: Awaited<ReturnType<typeof join>>;
let bob: Awaited<ReturnType<typeof join>>;
/** The meeting sequences join; the sink is its host and the peer they signal. */
let arena: HostedMeeting;
let lobbyArena: HostedMeeting;
let sink: Probe;
let sinkPeerId: string;
let baseline: MemorySample;

const calmStats = { rounds: 0, signals: 0, pongs: 0, failures: [] as string[] };
let calmRunning = true;
let calmLoop: Promise<void> | undefined;

/** Alice and Bob signal each other and ping, all the time the fuzzing runs; every one must arrive. */
async function keepCalm(): Promise<void> {
  let n = 0;
  while (calmRunning) {
    n++;
    try {
      const payload = { sdp: `v=0 round ${n}`, candidates: ['a', 'b'] };
      const toBob = bob.client.next((m) => m.type === 'signal' && (m.data as { sdp?: string }).sdp === payload.sdp, 5_000, `signal ${n} to Bob`);
      const toAlice = alice.client.next((m) => m.type === 'signal' && (m.data as { sdp?: string }).sdp === payload.sdp, 5_000, `signal ${n} to Alice`);
      alice.client.send({ type: 'signal', to: bob.joined.peerId, data: payload });
      bob.client.send({ type: 'signal', to: alice.joined.peerId, data: payload });
      const [fromAlice, fromBob, pongA, pongB] = await Promise.all([
        toBob,
        toAlice,
        alice.client.request({ type: 'ping' }, 5_000),
        bob.client.request({ type: 'ping' }, 5_000),
      ]);
      expect(fromAlice).toMatchObject({ from: alice.joined.peerId });
      expect(fromBob).toMatchObject({ from: bob.joined.peerId });
      calmStats.signals += 2;
      if (pongA.type === 'pong' && pongB.type === 'pong') calmStats.pongs += 2;
      else calmStats.failures.push(`round ${n}: ${JSON.stringify([pongA, pongB])}`);
    } catch (err) {
      calmStats.failures.push(`round ${n}: ${String(err)}`);
    }
    calmStats.rounds++;
    await sleep(40);
  }
}

beforeAll(async () => {
  // A generous rate limit, so the fuzzer's frames reach the decoder and the handlers
  // (hardening.test.ts checks the limiter itself); a short grace, so sequences'
  // abandoned places free up; default everything else.
  t = await startTestServer({ messagesPerSecond: 2_000, messageBurst: 2_000, graceMs: 1_000 });
  calm = await hostMeeting(t);
  alice = await join(t, calm, 'Alice');
  bob = await join(t, calm, 'Bob');
  watch(alice.client, 'alice');
  watch(bob.client, 'bob');

  arena = await hostMeeting(t, { maxParticipants: 32 });
  lobbyArena = await hostMeeting(t, { lobby: true });
  sink = await Probe.open(t, '127.0.0.1', 'sink');
  sink.sendText(
    JSON.stringify({ type: 'room.join', rid: 1, meetingId: arena.meetingId, admissionKey: arena.admissionKey, displayName: 'Sink' }),
  );
  const i = await sink.waitFor((m) => m.type === 'room.joined', 0, 'sink join');
  const joined = sink.frames[i!] as Extract<ServerMessage, { type: 'room.joined' }>;
  sinkPeerId = joined.peerId;
  expect(joined.hostId).toBe(sinkPeerId);

  calmLoop = keepCalm();
  // Warm up (JIT, TLS, scrypt, the allocator's arenas) before the memory baseline.
  await fc.assert(fc.asyncProperty(anyFrame, checkFrame), { seed: SEED + 99, numRuns: 300 });
  await fc.assert(fc.asyncProperty(fc.array(shallowStep, { minLength: 1, maxLength: 10 }), checkSequence), {
    seed: SEED + 98,
    numRuns: 60,
  });
  baseline = memoryAfterGc();
}, 120_000);

afterAll(async () => {
  calmRunning = false;
  await calmLoop;
  await t?.stop();
});

// ── Frame checks (a, b, c) on a long-lived fuzzing connection ────────────────

let probe: Probe | null = null;
let strikes = 0;
let sentinel = 2_000_000_000;

async function fuzzProbe(): Promise<Probe> {
  if (!probe || probe.closed) {
    probe = await Probe.open(t, FUZZ_ADDRESS, 'fuzzer');
    strikes = 0;
  }
  return probe;
}

/** Sends one frame, then a ping; everything the frame caused has arrived when the pong does (replies keep order). */
async function checkFrame(frame: Frame): Promise<void> {
  const p = await fuzzProbe();
  const expected = expectationFor(frame);
  const from = p.frames.length;
  const [violationsFrom, internalsFrom] = [p.violations.length, p.internals.length];
  if (frame.kind === 'text') p.sendText(frame.text);
  else p.sendBytes(frame.bytes, frame.binary);
  if ('strike' in expected) strikes++;
  const rid = sentinel++;
  p.sendText(JSON.stringify({ type: 'ping', rid }));
  const at = await p.waitFor((m) => m.type === 'pong' && m.rid === rid, from, `ping after ${describeFrame(frame)}`);
  const got = p.frames.slice(from, at ?? undefined);
  const where = `after ${describeFrame(frame)}: got ${JSON.stringify(got).slice(0, 600)}; closed ${JSON.stringify(p.closed)}`;

  expect(p.violations.slice(violationsFrom), `frames the protocol does not define ${where}`).toEqual([]);
  expect(p.internals.slice(internalsFrom), `internal errors ${where}`).toEqual([]);
  if (at === null) {
    const code = p.closed!.code;
    expect(DOCUMENTED_CLOSES.has(code), `undocumented close ${code} ${where}`).toBe(true);
    if ('close' in expected) expect(code, where).toBe(expected.close);
    else if (code === CLOSE.policyViolation) expect(strikes, where).toBeGreaterThanOrEqual(20);
    else expect.fail(`unexpected close ${code} ${where}`);
    return;
  }
  if ('close' in expected) expect.fail(`expected the socket to close with ${expected.close} ${where}`);
  const rateLimited = got.some((m) => m.type === 'error' && m.code === 'rate_limited' && m.rid === undefined);
  if (rateLimited) return;
  if ('error' in expected) {
    const hit = got.find((m): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error' && m.code === expected.error);
    expect(hit, `expected error ${expected.error} ${where}`).toBeDefined();
    // (JSON has no -0: a rid of -0 comes back as 0.)
    expect(hit!.rid, `the error echoes the frame's rid ${where}`).toBe(expected.rid === undefined ? undefined : expected.rid + 0);
  } else if (expected.rid !== undefined) {
    // A request with a rid is answered exactly once.
    expect(got.filter((m) => 'rid' in m && m.rid === expected.rid), `one reply to rid ${expected.rid} ${where}`).toHaveLength(1);
  }
}

// (a) arbitrary strings and bytes
const anyText: fc.Arbitrary<Frame> = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', 'u', '0', 'e', '-', '.', ' ', 'type', 'ping', 'rid'), maxLength: 60 }),
    fc.integer({ min: MAX_FRAME_BYTES - 4, max: MAX_FRAME_BYTES + 4 }).map((n) => 'x'.repeat(n)),
  )
  .map((text) => ({ kind: 'text', text }));
const anyBytes: fc.Arbitrary<Frame> = fc
  .record({ bytes: fc.uint8Array({ maxLength: 300 }), binary: fc.boolean() })
  .map(({ bytes, binary }) => ({ kind: 'bytes', bytes, binary }));

// (b) JSON values
const anyJson: fc.Arbitrary<Frame> = fc
  .oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom('type', 'rid', 'data', 'to', '__proto__'), fc.string()), fc.jsonValue({ maxDepth: 3 })),
    fc.record({ type: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })), rid: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  )
  .map((v) => ({ kind: 'text', text: JSON.stringify(v) ?? 'null' }));

// (c) near-valid messages: a valid message of every client type, mutated
const VALID: Array<Record<string, unknown>> = [
  { type: 'account.register', username: 'fuzzer', password: 'correct horse battery' },
  { type: 'account.login', username: 'nobody-here', password: 'not the password' },
  { type: 'account.resume', token: SOME_KEY },
  { type: 'account.logout' },
  { type: 'account.logoutAll' },
  { type: 'account.changePassword', currentPassword: 'correct horse battery', newPassword: 'battery staple horse' },
  { type: 'meeting.reserve' },
  { type: 'meeting.create', meetingId: NO_MEETING, verifier: SOME_KEY, title: 'Title', lobby: true, maxParticipants: 8 },
  { type: 'meeting.list' },
  { type: 'meeting.delete', meetingId: NO_MEETING },
  { type: 'room.join', meetingId: NO_MEETING, admissionKey: SOME_KEY, displayName: 'Name', muted: true, videoOff: false, handRaised: false },
  { type: 'room.resume', resumeToken: 'e30.c2ln' },
  { type: 'room.leave' },
  { type: 'presence.update', displayName: 'Name', muted: false, videoOff: true, handRaised: true },
  { type: 'signal', to: NO_PEER, data: { sdp: 'v=0', mac: 'abc' } },
  { type: 'host.admit', peerId: NO_PEER },
  { type: 'host.deny', peerId: NO_PEER },
  { type: 'host.lock', locked: true },
  { type: 'host.remove', peerId: NO_PEER },
  { type: 'host.askMute', peerId: NO_PEER },
  { type: 'host.end' },
  { type: 'ice.refresh' },
  { type: 'ping' },
];

const NEST = '\u0000nest\u0000';
const weird = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u200b',
  '\u202e',
  '\u2028',
  '\u2066',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  'e\u0301',
  '\n',
  ' ',
  '%s',
  '${x}',
  '<script>',
  '"',
  '\\',
);
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);
const outOfRange = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2, 32, 33, 1.5, -0.5, 2 ** 31 - 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, Number.MIN_VALUE),
  fc.double(),
  fc.integer(),
);
/** Number literals that JSON.stringify cannot make. */
const numberLiteral = fc.constantFrom('1e999', '-1e999', '-0', '1.0', '1E2', '0.1e1', '12345678901234567890', '2147483647', '2147483648', '00');

type Mutation =
  | { op: 'drop'; pick: number }
  | { op: 'retype'; pick: number; value: unknown }
  | { op: 'huge'; pick: number; length: number; char: string }
  | { op: 'inject'; pick: number; at: number; text: string }
  | { op: 'nest'; pick: number; depth: number; shape: 'array' | 'object' }
  | { op: 'extra'; key: string; value: unknown }
  | { op: 'number'; pick: number; value: number }
  | { op: 'rid'; value: unknown }
  | { op: 'type'; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('retype' as const), pick: fc.nat(), value: wrongValue }),
  fc.record({
    op: fc.constant('huge' as const),
    pick: fc.nat(),
    length: fc.oneof(fc.integer({ min: 50, max: 2_000 }), fc.integer({ min: 60_000, max: 70_000 })),
    char: fc.constantFrom('x', 'é', '\u202e', '\ud83d\ude00', ' '),
  }),
  fc.record({ op: fc.constant('inject' as const), pick: fc.nat(), at: fc.nat(), text: fc.oneof(weird, fc.string({ unit: 'binary', maxLength: 8 })) }),
  fc.record({
    op: fc.constant('nest' as const),
    pick: fc.nat(),
    depth: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1_000, max: 12_000 })),
    shape: fc.constantFrom('array' as const, 'object' as const),
  }),
  fc.record({
    op: fc.constant('extra' as const),
    key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'rid ', 'Type', 'from', ''), fc.string({ maxLength: 10 })),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ op: fc.constant('number' as const), pick: fc.nat(), value: outOfRange }),
  fc.record({ op: fc.constant('rid' as const), value: fc.oneof(outOfRange, wrongValue) }),
  fc.record({
    op: fc.constant('type' as const),
    value: fc.oneof(
      fc.constantFrom('', 'Ping', 'ping ', ' ping', 'ping\u0000', 'PING', 'signal.', 'host', 'room', '__proto__', 'constructor', 'toString', 'hasOwnProperty'),
      fc.constantFrom(...VALID.map((v) => v.type as string)).map((s) => s.toUpperCase()),
      fc.string({ maxLength: 24 }),
    ),
  }),
);

function nestText(depth: number, shape: 'array' | 'object'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function mutate(template: Record<string, unknown>, mutations: Mutation[]): { message: Record<string, unknown>; nests: string[] } {
  const message: Record<string, unknown> = { ...template };
  const nests: string[] = [];
  const keyOf = (pick: number) => {
    const keys = Object.keys(message);
    return keys.length ? keys[pick % keys.length]! : 'type';
  };
  for (const m of mutations) {
    switch (m.op) {
      case 'drop':
        delete message[keyOf(m.pick)];
        break;
      case 'retype':
        message[keyOf(m.pick)] = m.value;
        break;
      case 'huge':
        message[keyOf(m.pick)] = m.char.repeat(Math.ceil(m.length / m.char.length));
        break;
      case 'inject': {
        const k = keyOf(m.pick);
        const v = typeof message[k] === 'string' ? (message[k] as string) : (JSON.stringify(message[k]) ?? '');
        const at = m.at % (v.length + 1);
        message[k] = v.slice(0, at) + m.text + v.slice(at);
        break;
      }
      case 'nest':
        message[keyOf(m.pick)] = `${NEST}${nests.length}`;
        nests.push(nestText(m.depth, m.shape));
        break;
      case 'extra':
        Object.defineProperty(message, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
        break;
      case 'number':
        message[keyOf(m.pick)] = m.value;
        break;
      case 'rid':
        message.rid = m.value;
        break;
      case 'type':
        message.type = m.value;
        break;
    }
  }
  return { message, nests };
}

type Raw = 'none' | 'whitespace' | 'bom' | 'trailing' | 'dupType' | { rid: string };
const raw: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('none' as const) },
  fc.constantFrom('whitespace' as const, 'bom' as const, 'trailing' as const, 'dupType' as const),
  numberLiteral.map((rid) => ({ rid })),
);

function serialise(message: Record<string, unknown>, nests: string[], how: Raw): string {
  let text = JSON.stringify(message);
  nests.forEach((nested, i) => {
    text = text.replace(JSON.stringify(`${NEST}${i}`), nested);
  });
  if (how === 'whitespace') return ` \n\t${text}\r\n `;
  if (how === 'bom') return `\ufeff${text}`;
  if (how === 'trailing') return `${text},`;
  if (how === 'dupType') return text.replace(/^\{/, '{"type":"ping",');
  if (typeof how === 'object') return text.replace(/^\{/, `{"rid":${how.rid},`);
  return text;
}

const nearValid: fc.Arbitrary<Frame> = fc
  .record({
    template: fc.constantFrom(...VALID),
    rid: fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined }),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
    raw,
  })
  .map(({ template, rid, mutations, raw: how }) => {
    const base = rid === undefined ? template : { ...template, rid };
    const { message, nests } = mutate(base, mutations);
    return { kind: 'text', text: serialise(message, nests, how) } as Frame;
  });

const anyFrame: fc.Arbitrary<Frame> = fc.oneof(anyText, anyBytes, anyJson, { weight: 3, arbitrary: nearValid });

describe('fuzzing one server with frames', () => {
  it('answers arbitrary text and bytes with a protocol error or a documented close', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(anyText, anyBytes), checkFrame), { seed: SEED, numRuns: runs(1500) });
  });

  it('answers arbitrary JSON values with bad_message (or a valid reply), echoing only valid rids', async () => {
    await fc.assert(fc.asyncProperty(anyJson, checkFrame), { seed: SEED + 1, numRuns: runs(1000) });
  });

  it('answers mutated valid messages of every type with exactly the reply the protocol defines', async () => {
    await fc.assert(fc.asyncProperty(nearValid, checkFrame), { seed: SEED + 2, numRuns: runs(3000) });
  });
});

// ── (d) out-of-order sequences, each on a fresh connection ───────────────────

type Step =
  | { op: 'join' }
  | { op: 'joinLobby' }
  | { op: 'leave' }
  | { op: 'signal'; toSink: boolean; data: Record<string, unknown> | { [NEST]: number } }
  | { op: 'host'; which: 'host.admit' | 'host.deny' | 'host.remove' | 'host.askMute'; toSink: boolean }
  | { op: 'hostLock'; locked: boolean }
  | { op: 'hostEnd' }
  | { op: 'resume'; token: string }
  | { op: 'resumeStale' }
  | { op: 'presence'; muted: boolean; displayName?: string }
  | { op: 'account'; which: 'account.logout' | 'account.logoutAll' | 'meeting.reserve' | 'meeting.list' }
  | { op: 'accountWith'; which: 'account.changePassword' | 'meeting.delete' | 'meeting.create' }
  | { op: 'accountResume'; token: string }
  | { op: 'ping' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ op: 'join' } as const) },
  fc.constant({ op: 'joinLobby' } as const),
  { weight: 2, arbitrary: fc.constant({ op: 'leave' } as const) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('signal' as const),
      toSink: fc.boolean(),
      data: fc.oneof(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
        fc.record({ sdp: fc.string({ unit: 'binary', maxLength: 200 }), mac: fc.base64String({ maxLength: 44 }) }),
        fc.integer({ min: 1, max: 12_000 }).map((depth) => ({ [NEST]: depth })),
      ),
    }),
  },
  fc.record({
    op: fc.constant('host' as const),
    which: fc.constantFrom('host.admit' as const, 'host.deny' as const, 'host.remove' as const, 'host.askMute' as const),
    toSink: fc.boolean(),
  }),
  fc.record({ op: fc.constant('hostLock' as const), locked: fc.boolean() }),
  fc.constant({ op: 'hostEnd' } as const),
  fc.record({
    op: fc.constant('resume' as const),
    token: fc.oneof(
      fc.string({ minLength: 1, maxLength: 64 }),
      fc.base64String({ minLength: 4, maxLength: 200 }).map((s) => `${s.replace(/=/g, '')}.${s.slice(0, 8)}`),
      fc.constantFrom('.', 'a.', '.b', 'e30.', 'e30.AAAA', 'x'.repeat(1024)),
    ),
  }),
  fc.constant({ op: 'resumeStale' } as const),
  fc.record({ op: fc.constant('presence' as const), muted: fc.boolean(), displayName: fc.option(fc.constantFrom('Fuzz', ' Fuzzy '), { nil: undefined }) }),
  fc.record({
    op: fc.constant('account' as const),
    which: fc.constantFrom('account.logout' as const, 'account.logoutAll' as const, 'meeting.reserve' as const, 'meeting.list' as const),
  }),
  fc.record({
    op: fc.constant('accountWith' as const),
    which: fc.constantFrom('account.changePassword' as const, 'meeting.delete' as const, 'meeting.create' as const),
  }),
  fc.record({ op: fc.constant('accountResume' as const), token: fc.constantFrom(SOME_KEY, 'B'.repeat(43), '_'.repeat(43)) }),
  fc.constant({ op: 'ping' } as const),
);

/** The same steps without deep nesting, for warming up (deep nesting has its own test in hardening.test.ts). */
const shallowStep: fc.Arbitrary<Step> = step.filter((s) => !(s.op === 'signal' && NEST in s.data));

/** A resume token from an earlier sequence, whose place is long gone. */
let staleResumeToken = 'e30.AAAA';

/** The request for a step, and the answers the protocol allows in the state the sequence is in. */
type State = 'out' | 'member' | 'waiting';

function request(s: Step, rid: number): { text: string; allowed: (m: ServerMessage, state: State) => State | false } {
  const target = (toSink: boolean) => (toSink ? sinkPeerId : NO_PEER);
  const err = (m: ServerMessage, code: ErrorCode) => m.type === 'error' && m.code === code;
  const ok = (m: ServerMessage) => m.type === 'ok';
  const msg = (o: Record<string, unknown>) => JSON.stringify({ ...o, rid });
  switch (s.op) {
    case 'join':
      return {
        text: msg({ type: 'room.join', meetingId: arena.meetingId, admissionKey: arena.admissionKey, displayName: 'Fuzz' }),
        allowed: (m, st) =>
          st === 'out'
            ? m.type === 'room.joined'
              ? 'member'
              : err(m, 'meeting_full') || err(m, 'meeting_locked') || err(m, 'meeting_ended')
                ? 'out'
                : false
            : err(m, 'already_joined') && st,
      };
    case 'joinLobby':
      return {
        text: msg({ type: 'room.join', meetingId: lobbyArena.meetingId, admissionKey: lobbyArena.admissionKey, displayName: 'Fuzz' }),
        allowed: (m, st) =>
          st === 'out' ? (m.type === 'room.waiting' ? 'waiting' : err(m, 'meeting_full') && 'out') : err(m, 'already_joined') && st,
      };
    case 'leave':
      return { text: msg({ type: 'room.leave' }), allowed: (m, st) => (st === 'out' ? err(m, 'not_joined') && st : ok(m) && 'out') };
    case 'signal': {
      let text = msg({ type: 'signal', to: target(s.toSink), data: NEST in s.data ? NEST : s.data });
      if (NEST in s.data) text = text.replace(JSON.stringify(NEST), `{"deep":${nestText(s.data[NEST] as number, 'array')}}`);
      // Data nested deeper than the protocol allows is refused before any state is looked at.
      const tooDeep = NEST in s.data && (s.data[NEST] as number) > MAX_SIGNAL_DEPTH - 1;
      return {
        text,
        allowed: (m, st) =>
          tooDeep
            ? err(m, 'bad_message') && st
            : st !== 'member'
              ? err(m, 'not_joined') && st
              : s.toSink
                ? ok(m) && st
                : err(m, 'peer_not_found') && st,
      };
    }
    case 'host':
      return {
        text: msg({ type: s.which, peerId: target(s.toSink) }),
        allowed: (m, st) => (st === 'member' ? err(m, 'forbidden') && st : err(m, 'not_joined') && st),
      };
    case 'hostLock':
      return {
        text: msg({ type: 'host.lock', locked: s.locked }),
        allowed: (m, st) => (st === 'member' ? err(m, 'forbidden') && st : err(m, 'not_joined') && st),
      };
    case 'hostEnd':
      return {
        text: msg({ type: 'host.end' }),
        allowed: (m, st) => (st === 'member' ? err(m, 'forbidden') && st : err(m, 'not_joined') && st),
      };
    case 'resume':
      return {
        text: msg({ type: 'room.resume', resumeToken: s.token }),
        allowed: (m, st) => (st === 'out' ? err(m, 'resume_failed') && st : err(m, 'already_joined') && st),
      };
    case 'resumeStale':
      // The token of the last place a sequence had: gone (left, or its grace is over), or
      // still kept for a connection that just closed, which this one may then take over.
      return {
        text: msg({ type: 'room.resume', resumeToken: staleResumeToken }),
        allowed: (m, st) =>
          st === 'out'
            ? m.type === 'room.joined'
              ? m.resumed && m.meetingId === arena.meetingId && 'member'
              : err(m, 'resume_failed') && st
            : err(m, 'already_joined') && st,
      };
    case 'presence':
      return {
        text: msg({ type: 'presence.update', muted: s.muted, ...(s.displayName ? { displayName: s.displayName } : {}) }),
        allowed: (m, st) => (st === 'member' ? ok(m) && st : err(m, 'not_joined') && st),
      };
    case 'account':
      return { text: msg({ type: s.which }), allowed: (m, st) => err(m, 'unauthenticated') && st };
    case 'accountWith': {
      const body =
        s.which === 'account.changePassword'
          ? { currentPassword: 'whatever it was', newPassword: 'something else' }
          : s.which === 'meeting.delete'
            ? { meetingId: arena.meetingId }
            : { meetingId: arena.meetingId, verifier: SOME_KEY };
      return { text: msg({ type: s.which, ...body }), allowed: (m, st) => err(m, 'unauthenticated') && st };
    }
    case 'accountResume':
      return { text: msg({ type: 'account.resume', token: s.token }), allowed: (m, st) => err(m, 'session_expired') && st };
    case 'ping':
      return { text: msg({ type: 'ping' }), allowed: (m, st) => m.type === 'pong' && st };
  }
}

let sequenceNo = 0;

async function checkSequence(steps: Step[]): Promise<void> {
  const p = await Probe.open(t, SEQUENCE_ADDRESS, `sequence ${++sequenceNo}`);
  let state: State = 'out';
  const log: string[] = [];
  try {
    for (let k = 0; k < steps.length; k++) {
      const rid = 1 + k;
      const { text, allowed } = request(steps[k]!, rid);
      const from = p.frames.length;
      p.sendText(text);
      const at = await p.waitFor((m) => 'rid' in m && m.rid === rid, from, `${steps[k]!.op} (step ${k + 1})`);
      const where = () => `step ${k + 1} ${text.slice(0, 200)} in state ${state}; before: ${log.join(' | ')}`;
      expect(p.violations, `frames the protocol does not define at ${where()}`).toEqual([]);
      expect(p.internals, `internal errors at ${where()}`).toEqual([]);
      if (at === null) {
        expect.fail(`the server closed the connection (${JSON.stringify(p.closed)}) at ${where()}`);
      }
      const reply = p.frames[at]!;
      const next = allowed(reply, state);
      expect(next, `reply ${JSON.stringify(reply).slice(0, 300)} at ${where()}`).not.toBe(false);
      if (reply.type === 'room.joined') staleResumeToken = reply.resumeToken;
      log.push(`${steps[k]!.op}→${reply.type === 'error' ? reply.code : reply.type}`);
      state = next as State;
    }
    // Leave, so places do not pile up in the grace period (not part of the property).
    if (state !== 'out' && !p.closed) {
      const from = p.frames.length;
      p.sendText(JSON.stringify({ type: 'room.leave', rid: 999 }));
      await p.waitFor((m) => 'rid' in m && m.rid === 999, from, 'leave after the sequence');
    }
    // The sink, which received whatever the sequence sent it, is still served.
    const before = sink.frames.length;
    const rid = sentinel++;
    sink.sendText(JSON.stringify({ type: 'ping', rid }));
    expect(await sink.waitFor((m) => m.type === 'pong' && m.rid === rid, before, 'sink ping'), 'the sink lost its socket').not.toBeNull();
  } finally {
    p.close();
  }
}

describe('fuzzing one server with out-of-order sequences', () => {
  it('answers every request in any order with the reply the state allows (signal before join, host.* as a guest, resume with garbage, leave twice, account ops without log-in)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), checkSequence), {
      seed: SEED + 3,
      numRuns: runs(800),
    });
  });
});

describe('after the fuzzing', () => {
  it('served the well-behaved participants throughout, stays healthy, and did not grow its memory with the frames', async () => {
    calmRunning = false;
    await calmLoop;
    const peakRss = process.memoryUsage().rss;
    const after = memoryAfterGc();
    console.log(
      `fuzz: closes by code ${JSON.stringify(Object.fromEntries(closeCounts))}; ` +
        `errors by code ${JSON.stringify(Object.fromEntries(errorCounts))}; ` +
        `calm rounds ${calmStats.rounds} (${calmStats.signals} signals, ${calmStats.pongs} pongs); ` +
        `RSS ${mib(baseline.rss)} → ${mib(peakRss)} before GC, ${mib(after.rss)} after; ` +
        `live ${mib(baseline.live)} → ${mib(after.live)}`,
    );
    expect(calmStats.failures).toEqual([]);
    expect(calmStats.rounds).toBeGreaterThan(20);
    expect(violations).toEqual([]);
    expect(internals).toEqual([]);
    for (const code of closeCounts.keys()) {
      // 1005: the fuzzer's own sequence connections, closed by the test without a code.
      if (code !== 1005) expect(DOCUMENTED_CLOSES.has(code), `close code ${code}`).toBe(true);
    }
    // The codes seen are the protocol's.
    for (const code of errorCounts.keys()) expect(ERROR_CODES).toContain(code);

    const health = await httpsGet(t, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    // Alice and Bob are still connected, still in their meeting, still talking.
    await alice.client.expect('pong', { type: 'ping' });
    bob.client.send({ type: 'signal', to: alice.joined.peerId, data: { sdp: 'last' } });
    expect(await alice.client.next((m) => m.type === 'signal' && (m.data as { sdp?: string }).sdp === 'last', 5_000)).toBeDefined();

    // Thousands of frames and hundreds of connections later, the server holds on to
    // (almost) nothing more: RSS within a generous bound, what is reachable within a tight one.
    expect(after.rss - baseline.rss, `RSS grew by ${mib(after.rss - baseline.rss)}`).toBeLessThan(64 * 2 ** 20);
    expect(after.live - baseline.live, `live memory grew by ${mib(after.live - baseline.live)}`).toBeLessThan(16 * 2 ** 20);
    sink.close();
  });
});
