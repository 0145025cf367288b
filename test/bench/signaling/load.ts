/**
 * The relay load: every client sends `signal` frames (fake ICE candidates,
 * stamped with the send time) that the server relays to one other client.
 * Senders and receivers live in this one process, so latency is measured on
 * one clock, and a receiver can hand the sender its window slot back.
 *
 * Each client keeps at most `window` messages in flight (closed loop: a slow
 * server slows the senders instead of piling up queues) and, when `rate` > 0,
 * sends no faster than `rate` per second (to stay under a per-connection rate
 * limit). The same frames, pacing and duration are used for every server.
 */
import type WebSocket from 'ws';
import { cpuSeconds, machineBusySeconds, sleep } from '../support/processes.js';
import { percentile, Samples } from '../support/stats.js';

export interface LoadClient {
  ws: WebSocket;
  /** Whom the frame is addressed to (meriMeet's `to`; the bare relay ignores it). */
  to: string;
}

export interface LoadOptions {
  seconds: number;
  warmupSeconds: number;
  /** Messages per second per client; 0 = only the window limits. */
  rate: number;
  window: number;
  payloadBytes: number;
  log(line: string): void;
}

export interface RelayResult {
  clients: number;
  seconds: number;
  /** Data object of each signal, in bytes (the whole frame is a little longer). */
  payloadBytes: number;
  frameBytes: number;
  /** rate × clients, when paced: the most the clients will offer. */
  offeredPerSecond: number | null;
  delivered: number;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Error frames the server sent during the load (e.g. rate_limited), and the first one. */
  errors: number;
  firstError: string | null;
  /** Window slots given back because a message never arrived within STALL_MS. */
  lost: number;
  /** Share of one core each side used during the measured seconds. */
  serverCpuPercent: number;
  clientCpuPercent: number;
  /** The whole machine, in % of one core (max cores × 100): more than server + client means someone else was busy. */
  machineCpuPercent: number;
  /**
   * Server CPU time per relayed message, and what one core could relay at
   * that cost. Unlike msgs/s these do not depend on the pacing, so they
   * compare the servers even when both keep up with the offered load.
   */
  serverCpuMicrosPerMessage: number;
  capacityPerSecond: number;
  /** Sockets that closed during the load (the server cut them off). */
  closedDuringLoad: number;
}

const STALL_MS = 5000;
const TICK_MS = 5;
const S_KEY = Buffer.from('"s":');
const T_KEY = Buffer.from('"t":');
const ERROR_KEY = Buffer.from('"type":"error"');

const CANDIDATE = 'candidate:842163049 1 udp 1677729535 203.0.113.7 61532 typ srflx raddr 10.0.0.5 rport 61532 generation 0';
const MAC = 'kq3V0c2iJ1m6TQp5bq0yX1sR8uY7wZ4aE2dF9gH6jL0';
/** A typical `performance.now().toFixed(3)` for sizing; the real one goes where `@T@` is. */
const TYPICAL_STAMP = '123456.789';

/**
 * One client's frame, split around the send time, so that sending is one
 * string concatenation (no JSON.stringify per message: the clients share the
 * machine's two cores with the server). `data` is padded to ~payloadBytes.
 */
function frameParts(index: number, to: string, payloadBytes: number): { head: string; tail: string; dataBytes: number } {
  const data = (pad: string, stamp: string) =>
    `{"kind":"ice","s":${index},"t":${stamp},"candidate":"${CANDIDATE}${pad}","sdpMid":"0","mac":"${MAC}"}`;
  const short = data('', TYPICAL_STAMP).length;
  const missing = payloadBytes - short;
  const pad = missing > 8 ? ' ufrag ' + 'x'.repeat(missing - 7) : '';
  const [head, tail] = `{"type":"signal","to":"${to}","data":${data(pad, '@T@')}}`.split('@T@') as [string, string];
  return { head, tail, dataBytes: data(pad, TYPICAL_STAMP).length };
}

/** Reads the unsigned number after `key` in a frame without decoding the whole frame; -1 if absent. */
function numberAfter(frame: Buffer, key: Buffer): number {
  const at = frame.indexOf(key);
  if (at < 0) return -1;
  const start = at + key.length;
  let end = start;
  while (end < frame.length && frame[end] !== 44 /* , */ && frame[end] !== 125 /* } */) end++;
  return Number(frame.toString('latin1', start, end));
}

class Sender {
  inflight = 0;
  tokens: number;
  lastRefill = performance.now();
  lastProgress = performance.now();

  constructor(
    readonly ws: WebSocket,
    readonly head: string,
    readonly tail: string,
    private readonly o: LoadOptions,
  ) {
    this.tokens = o.window;
  }

  /** Sends as much as the window and the pacing allow right now. */
  pump(now: number): void {
    if (this.o.rate > 0) {
      this.tokens = Math.min(this.o.window, this.tokens + ((now - this.lastRefill) / 1000) * this.o.rate);
      this.lastRefill = now;
    }
    while (this.inflight < this.o.window && (this.o.rate === 0 || this.tokens >= 1) && this.ws.readyState === this.ws.OPEN) {
      if (this.inflight === 0) this.lastProgress = now;
      this.ws.send(this.head + now.toFixed(3) + this.tail);
      this.inflight++;
      this.tokens--;
    }
  }
}

/** `serverPids`: the processes whose CPU is the server's (one, or every instance of a cluster). */
export async function runLoad(clients: LoadClient[], serverPids: readonly number[], o: LoadOptions): Promise<RelayResult> {
  const senders = clients.map((c, i) => {
    const { head, tail } = frameParts(i, c.to, o.payloadBytes);
    return new Sender(c.ws, head, tail, o);
  });
  const { head, tail, dataBytes } = frameParts(0, clients[0]?.to ?? '', o.payloadBytes);
  const frameBytes = Buffer.byteLength(head + TYPICAL_STAMP + tail);
  const samples = new Samples();
  let running = true;
  let recording = false;
  let delivered = 0;
  let errors = 0;
  let firstError: string | null = null;
  let lost = 0;
  let closedDuringLoad = 0;

  const onMessage = (data: WebSocket.RawData) => {
    const frame = data as Buffer;
    const s = numberAfter(frame, S_KEY);
    const sender = senders[s];
    if (!sender) {
      if (frame.includes(ERROR_KEY)) {
        errors++;
        firstError ??= frame.toString('utf8', 0, 200);
      }
      return;
    }
    const now = performance.now();
    sender.inflight = Math.max(0, sender.inflight - 1);
    sender.lastProgress = now;
    if (recording) {
      delivered++;
      samples.push(now - numberAfter(frame, T_KEY));
    }
    if (running) sender.pump(now);
  };
  for (const c of clients) {
    c.ws.on('message', onMessage);
    c.ws.once('close', () => closedDuringLoad++);
  }

  // The ticker refills paced senders and gives back slots of messages that never arrived.
  const ticker = setInterval(() => {
    const now = performance.now();
    for (const s of senders) {
      if (s.inflight > 0 && now - s.lastProgress > STALL_MS) {
        lost += s.inflight;
        s.inflight = 0;
      }
      if (running) s.pump(now);
    }
  }, TICK_MS);

  try {
    o.log(`  warming up ${o.warmupSeconds} s`);
    await sleep(o.warmupSeconds * 1000);
    recording = true;
    const serverCpuSeconds = () => serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const cpu0 = serverCpuSeconds();
    const own0 = process.cpuUsage();
    const machine0 = machineBusySeconds();
    const t0 = performance.now();
    await sleep(o.seconds * 1000);
    recording = false;
    const elapsed = (performance.now() - t0) / 1000;
    const serverCpu = serverCpuSeconds() - cpu0;
    const machineCpuPercent = ((machineBusySeconds() - machine0) / elapsed) * 100;
    const own = process.cpuUsage(own0);
    const clientCpuPercent = ((own.user + own.system) / 1e6 / elapsed) * 100;
    running = false;
    // Let what is in flight arrive, so the next phase starts from quiet sockets.
    const drainUntil = performance.now() + 3000;
    while (senders.some((s) => s.inflight > 0) && performance.now() < drainUntil) await sleep(20);

    const sorted = samples.sorted();
    return {
      clients: clients.length,
      seconds: elapsed,
      payloadBytes: dataBytes,
      frameBytes,
      offeredPerSecond: o.rate > 0 ? o.rate * clients.length : null,
      delivered,
      messagesPerSecond: delivered / elapsed,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : NaN,
      errors,
      firstError,
      lost,
      serverCpuPercent: (serverCpu / elapsed) * 100,
      clientCpuPercent,
      machineCpuPercent,
      serverCpuMicrosPerMessage: (serverCpu * 1e6) / delivered,
      capacityPerSecond: delivered / serverCpu,
      closedDuringLoad,
    };
  } finally {
    running = false;
    clearInterval(ticker);
    for (const c of clients) c.ws.off('message', onMessage);
  }
}
