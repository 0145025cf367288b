import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_FRAME_BYTES } from '@merimeet/signaling/protocol';
import { deriveFileKey } from '../files/file-crypto.js';
import { createFileTransfers, type FileSink, type FileTransfer, type FileTransfers } from '../files/file-transfers.js';
import { ACK_TIMEOUT_MS, FILE_SIGNALS_PER_SECOND, MAX_WINDOW_CHARS, MIN_WINDOW_CHARS, type RelayFileProblem } from './relay-pipe.js';
import { RelayedFiles, type RelayFileError } from './relayed-files.js';

const MEETING = 'abc-defg-hjk';
const ADA = '00000000000000aa';
const BOB = '00000000000000bb';
const CYD = '00000000000000cc';

interface Relayed {
  from: string;
  to: string;
  data: Record<string, unknown>;
}

/**
 * People joined by a stand-in for the server's `signal` relay: each message
 * crosses as the JSON text the server would receive and send (whose size is
 * checked against MAX_FRAME_BYTES), and waits on `wire` until the test
 * delivers it (`deliver`), or is delivered on the next turn (`auto`).
 * `tamper` is the server's hand: it sees what is about to be delivered and
 * returns what is delivered instead.
 */
function relay(people: string[], o: { auto?: boolean; members?: (me: string, id: string) => boolean; up?: () => boolean; onFrame?: (me: string, from: string, frame: string | ArrayBuffer) => void } = {}) {
  const wire: Relayed[] = [];
  const frames = new Map<string, { from: string; frame: string | ArrayBuffer }[]>();
  const problems: RelayFileError[] = [];
  const sentAt: number[] = [];
  /** When each person sent each message (each has their own allowance at the server). */
  const sentBy = new Map<string, number[]>();
  const ends = new Map<string, RelayedFiles>();
  let tamper: (batch: Relayed[]) => Relayed[] = (b) => b;
  const deliver = (count = wire.length) => {
    const batch = tamper(wire.splice(0, count));
    for (const m of batch) ends.get(m.to)!.handleSignal(m.from, JSON.parse(JSON.stringify(m.data)));
    return batch.length;
  };
  for (const me of people) {
    frames.set(me, []);
    ends.set(
      me,
      new RelayedFiles({
        send: (to, data) => {
          if (o.up && !o.up()) return false;
          const text = JSON.stringify({ type: 'signal', to, data });
          // The server's frame limit, on the way in (`to`) and out (`from` is two characters longer).
          expect(text.length + 2).toBeLessThan(MAX_FRAME_BYTES);
          sentAt.push(Date.now());
          sentBy.set(me, [...(sentBy.get(me) ?? []), Date.now()]);
          wire.push({ from: me, to, data: data as Record<string, unknown> });
          if (o.auto) setTimeout(() => deliver(1), 0);
          return true;
        },
        isMember: (id) => (o.members ? o.members(me, id) : people.includes(id) && id !== me),
        onFrame: (from, frame) => (o.onFrame ? o.onFrame(me, from, frame) : frames.get(me)!.push({ from, frame })),
        onProblem: (err) => problems.push(err),
        now: () => Date.now(),
      }),
    );
  }
  return {
    wire,
    frames,
    problems,
    sentAt,
    sentBy,
    end: (id: string) => ends.get(id)!,
    deliver,
    setTamper: (t: typeof tamper) => (tamper = t),
    codes: () => problems.map((p) => p.code),
  };
}

const bytes = (n: number, seed = 1) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('relayed file pipe: framing', () => {
  it('carries text and binary frames of any size up to a chunk, whole and in order, each piece a legal server frame', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB]);
    const pipe = r.end(ADA).pipeTo(BOB)!;
    const big = bytes(64 * 1024 + 49);
    expect(pipe.send('sealed-control')).toBe(true);
    expect(pipe.send(big.slice().buffer)).toBe(true);
    expect(pipe.send(new ArrayBuffer(0))).toBe(true);
    for (let t = 0; t < 20; t++) {
      vi.advanceTimersByTime(250);
      r.deliver();
    }
    const got = r.frames.get(BOB)!;
    expect(got.map((f) => f.from)).toEqual([BOB, BOB, BOB].map(() => ADA));
    expect(got[0]!.frame).toBe('sealed-control');
    expect(new Uint8Array(got[1]!.frame as ArrayBuffer)).toEqual(big);
    expect((got[2]!.frame as ArrayBuffer).byteLength).toBe(0);
    expect(r.problems).toEqual([]);
  });

  it('refuses a frame larger than a chunk frame (the pipe says so; nothing is queued)', () => {
    const r = relay([ADA, BOB]);
    const pipe = r.end(ADA).pipeTo(BOB)!;
    expect(pipe.send(new ArrayBuffer(70 * 1024))).toBe(false);
    expect(pipe.bufferedAmount).toBe(0);
  });
});

describe('relayed file pipe: pacing and backpressure', () => {
  it('never sends more than FILE_SIGNALS_PER_SECOND (plus a burst of 4) in any second, acknowledgements included', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB]);
    const pipe = r.end(ADA).pipeTo(BOB)!;
    for (let k = 0; k < 40; k++) pipe.send(bytes(64 * 1024).buffer);
    for (let t = 0; t < 100; t++) {
      vi.advanceTimersByTime(50);
      r.deliver();
    }
    expect(r.frames.get(BOB)!.length).toBeGreaterThan(20);
    for (const sent of r.sentBy.values()) {
      for (const at of sent) expect(sent.filter((x) => x >= at && x < at + 1000).length).toBeLessThanOrEqual(FILE_SIGNALS_PER_SECOND + 4);
    }
    // Bob's acknowledgements count against Bob's allowance: at most 5 a second.
    const acks = r.sentBy.get(BOB)!;
    for (const at of acks) expect(acks.filter((x) => x >= at && x < at + 1000).length).toBeLessThanOrEqual(5);
  });

  it('shares one pacer between receivers, taking turns, so sending to everyone stays within the allowance', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB, CYD]);
    for (const to of [BOB, CYD]) for (let k = 0; k < 10; k++) r.end(ADA).pipeTo(to)!.send(bytes(30 * 1024).buffer);
    for (let t = 0; t < 40; t++) {
      vi.advanceTimersByTime(50);
      r.deliver();
    }
    const ada = r.sentBy.get(ADA)!;
    const elapsed = (ada.at(-1)! - ada[0]!) / 1000;
    expect(ada.length).toBeLessThanOrEqual(FILE_SIGNALS_PER_SECOND * elapsed + 4 + 1);
    // Turns: both are half done, not one finished while the other waits.
    expect(Math.abs(r.frames.get(BOB)!.length - r.frames.get(CYD)!.length)).toBeLessThanOrEqual(1);
  });

  it('counts what the receiver has not acknowledged as buffered, and keeps no more than its window in flight', async () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB]);
    const pipe = r.end(ADA).pipeTo(BOB)!;
    for (let k = 0; k < 20; k++) pipe.send(bytes(64 * 1024).buffer);
    const handed = 20 * 64 * 1024;
    expect(pipe.bufferedAmount).toBe(handed);
    let drained = false;
    void pipe.drained().then(() => (drained = true));
    // Nothing delivered: the first window (one piece) goes out, then the sender waits.
    vi.advanceTimersByTime(2_000);
    expect(r.wire.length).toBe(1);
    expect(pipe.bufferedAmount).toBe(handed);
    await Promise.resolve();
    expect(drained).toBe(false);
    // Delivered and acknowledged: the window widens to what Bob allows, never past MAX_WINDOW_CHARS.
    for (let t = 0; t < 60; t++) {
      r.deliver();
      vi.advanceTimersByTime(100);
      const inFlight = r.wire.filter((m) => m.data.kind === 'file').reduce((n, m) => n + (m.data.data as string).length, 0);
      expect(inFlight).toBeLessThanOrEqual(MAX_WINDOW_CHARS);
    }
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(pipe.bufferedAmount).toBeLessThan(handed);
  });

  it('lets each of several senders to one receiver use a share of its budget', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB, CYD]);
    for (const from of [ADA, CYD]) for (let k = 0; k < 10; k++) r.end(from).pipeTo(BOB)!.send(bytes(64 * 1024).buffer);
    const windows: number[] = [];
    r.setTamper((batch) => {
      for (const m of batch) if (m.data.kind === 'file-ack') windows.push(m.data.window as number);
      return batch;
    });
    for (let t = 0; t < 20; t++) {
      vi.advanceTimersByTime(100);
      r.deliver();
    }
    expect(windows.length).toBeGreaterThan(2);
    expect(Math.max(...windows.slice(2))).toBeLessThanOrEqual(256 * 1024);
    expect(Math.min(...windows)).toBeGreaterThanOrEqual(MIN_WINDOW_CHARS);
  });

  it('closes a pipe whose receiver stops acknowledging, so the sender is told (drained resolves, open is false), and starts a new one next time', async () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB]);
    const pipe = r.end(ADA).pipeTo(BOB)!;
    for (let k = 0; k < 30; k++) pipe.send(bytes(64 * 1024).buffer);
    const waiting = pipe.drained();
    vi.advanceTimersByTime(ACK_TIMEOUT_MS + 2_000);
    await waiting;
    expect(pipe.open).toBe(false);
    expect(r.codes()).toEqual(['relay_file_unacked']);
    const next = r.end(ADA).pipeTo(BOB)!;
    expect(next).not.toBe(pipe);
    expect(next.open).toBe(true);
  });

  it('closes the pipe when the socket is down instead of queueing pieces for later', () => {
    vi.useFakeTimers();
    let up = true;
    const r = relay([ADA, BOB], { up: () => up });
    const pipe = r.end(ADA).pipeTo(BOB)!;
    up = false;
    pipe.send('sealed');
    expect(pipe.open).toBe(false);
    expect(r.codes()).toEqual(['relay_file_unsent']);
  });
});

describe('relayed file pipe: who may send, and what a server may do to the pieces', () => {
  const sendFrames = (r: ReturnType<typeof relay>, n: number) => {
    const pipe = r.end(ADA).pipeTo(BOB)!;
    for (let k = 0; k < n; k++) pipe.send(bytes(64 * 1024, k).buffer);
  };
  const run = (r: ReturnType<typeof relay>, steps = 40) => {
    for (let t = 0; t < steps; t++) {
      vi.advanceTimersByTime(100);
      r.deliver();
    }
  };

  it('takes frames only from members of the meeting', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB], { members: (me, id) => me === ADA && id === BOB });
    sendFrames(r, 1);
    run(r);
    expect(r.frames.get(BOB)).toEqual([]);
    expect(r.codes()).toContain('relay_file_stranger');
  });

  it('drops malformed pieces with a coded error and loses nothing else', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB, CYD]);
    const bob = r.end(BOB);
    bob.handleSignal(ADA, { kind: 'file', stream: 'x', seq: 0 });
    bob.handleSignal(ADA, { kind: 'file', stream: 'AAAAAAAAAAAAAAAA', seq: 0, part: 0, bin: true, end: true, data: '!!!' });
    bob.handleSignal(ADA, { kind: 'file-ack', stream: 'AAAAAAAAAAAAAAAA', seq: -1, window: 1 });
    expect(r.codes()).toEqual(['relay_file_malformed', 'relay_file_malformed', 'relay_file_malformed'] satisfies RelayFileProblem[]);
    expect(r.problems.every((p) => p.peerId === ADA)).toBe(true);
    // Ada's real stream and Cyd's still get through whole.
    sendFrames(r, 2);
    r.end(CYD).pipeTo(BOB)!.send('from cyd');
    run(r);
    expect(r.frames.get(BOB)!.map((f) => f.from).sort()).toEqual([ADA, ADA, CYD]);
  });

  it('throws away the frame a dropped piece belonged to, and takes the next frame whole', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB]);
    let seen = 0;
    r.setTamper((batch) => batch.filter((m) => m.data.kind !== 'file' || seen++ !== 1)); // the second half of frame 0
    sendFrames(r, 3);
    run(r);
    const got = r.frames.get(BOB)!.map((f) => new Uint8Array(f.frame as ArrayBuffer));
    expect(got).toEqual([bytes(64 * 1024, 1), bytes(64 * 1024, 2)]);
    expect(r.codes()).toContain('relay_file_gap');
  });

  it('drops a repeated piece and a piece delivered out of order, rather than assembling them', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB]);
    let replayed = false;
    r.setTamper((batch) => {
      const pieces = batch.filter((m) => m.data.kind === 'file');
      if (!replayed && pieces.length > 0) {
        replayed = true;
        return [...batch, pieces[0]!];
      }
      return batch;
    });
    sendFrames(r, 2);
    run(r);
    expect(r.frames.get(BOB)!.length).toBe(2);
    expect(r.codes()).toEqual(['relay_file_gap']);

    const r2 = relay([ADA, BOB]);
    r2.setTamper((batch) => [...batch].reverse());
    const pipe = r2.end(ADA).pipeTo(BOB)!;
    pipe.send(bytes(64 * 1024).buffer);
    pipe.send(bytes(64 * 1024, 9).buffer);
    vi.advanceTimersByTime(1_000);
    r2.deliver(2); // piece 1 before piece 0: the frame is never put together wrong
    run(r2);
    for (const f of r2.frames.get(BOB)!) expect(new Uint8Array(f.frame as ArrayBuffer)).not.toEqual(bytes(64 * 1024));
    expect(r2.codes()).toContain('relay_file_gap');
  });

  it('refuses an acknowledgement for pieces never sent', () => {
    vi.useFakeTimers();
    const r = relay([ADA, BOB]);
    r.end(ADA).pipeTo(BOB)!.send('one');
    const stream = r.wire[0]!.data.stream as string;
    r.end(ADA).handleSignal(BOB, { kind: 'file-ack', stream, seq: 5, window: MAX_WINDOW_CHARS });
    expect(r.codes()).toEqual(['relay_file_malformed']);
  });
});

/** A sink in memory. */
class MemorySink implements FileSink {
  chunks: Uint8Array[] = [];
  async write(chunk: Uint8Array) {
    this.chunks.push(chunk.slice());
  }
  async finish() {
    return new Blob(this.chunks as BlobPart[]);
  }
  async discard() {
    this.chunks = [];
  }
}

/**
 * File transfers (files/file-transfers.ts, real WebCrypto) over relay pipes:
 * the relay is the only way between Ada and Bob, and `tamper` is a dishonest
 * server that rewrites the pieces' numbers so the pipe cannot see anything
 * wrong: the sealed frames' own checks must.
 */
async function transfersOverRelay(tamper?: (batch: Relayed[]) => Relayed[]) {
  const sides = new Map<string, { files: FileTransfers; last: FileTransfer[]; sink: MemorySink | null }>();
  // Frames the relay delivers go to the receiver's transfers, as sfu-topology.ts routes them.
  const r = relay([ADA, BOB], { auto: true, onFrame: (me, from, frame) => void sides.get(me)!.files.receive(from, frame) });
  if (tamper) r.setTamper(tamper);
  const e2e = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const key = await deriveFileKey(e2e);
  for (const [me, other] of [
    [ADA, BOB],
    [BOB, ADA],
  ] as const) {
    const side = { files: null as unknown as FileTransfers, last: [] as FileTransfer[], sink: null as MemorySink | null };
    side.files = createFileTransfers({
      key,
      meetingId: MEETING,
      localPeerId: () => me,
      nameOf: () => other,
      pipeTo: (id) => r.end(me).pipeTo(id),
      createSink: async () => (side.sink = new MemorySink()),
      onChange: (t) => (side.last = t),
      maxFileBytes: () => 100 * 1024 ** 2,
    });
    sides.set(me, side);
  }
  // 300 KiB is 10 pieces plus control messages: about 1 s at 20 a second; measured 2.2 s with the machine busy.
  const until = async (ok: () => boolean, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!ok() && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
  };
  return { r, ada: sides.get(ADA)!, bob: sides.get(BOB)!, until };
}

/** Rewrites every piece's number so the stream looks whole: what a server that knows the pipe would do. */
function renumbered(edit: (pieces: Relayed[]) => Relayed[]) {
  const next = new Map<string, number>();
  const held: Relayed[] = [];
  return (batch: Relayed[]) => {
    const out: Relayed[] = [];
    for (const m of batch) {
      if (m.data.kind !== 'file') {
        out.push(m);
        continue;
      }
      held.push(m);
    }
    for (const m of edit(held.splice(0))) {
      const seq = next.get(m.data.stream as string) ?? 0;
      next.set(m.data.stream as string, seq + 1);
      out.push({ ...m, data: { ...m.data, seq } });
    }
    // Acknowledgements name pieces by number too: a server rewriting them answers for what it sent.
    return out.map((m) => (m.data.kind === 'file-ack' ? { ...m, data: { ...m.data, seq: Math.min(m.data.seq as number, (next.get(m.data.stream as string) ?? 1) - 1) } } : m));
  };
}

describe('file transfers through the relay (real sealing; the relay is the only path)', { timeout: 20_000 }, () => {
  const FILE = bytes(300 * 1024, 7); // 5 chunks, 10 pieces

  it('delivers identical bytes, verified, and both sides see it done', async () => {
    const { ada, bob, until } = await transfersOverRelay();
    ada.files.send(new File([FILE], 'notes.bin'), [BOB]);
    await until(() => bob.last[0]?.state === 'offered');
    await bob.files.accept(bob.last[0]!.id);
    await until(() => ada.last[0]?.state === 'done' && bob.last[0]?.state === 'done');
    expect(bob.last[0]!.state).toBe('done');
    expect(ada.last[0]!.state).toBe('done');
    expect(new Uint8Array(await new Blob(bob.sink!.chunks as BlobPart[]).arrayBuffer())).toEqual(FILE);
  });

  it('refuses an offer over the relayed cap before anything is written', async () => {
    const { ada, bob, until } = await transfersOverRelay();
    // Only its size is read before the receiver answers.
    const huge = { name: 'huge.iso', size: 100 * 1024 ** 2 + 1, type: '' } as unknown as Blob & { name: string };
    ada.files.send(huge, [BOB]);
    await until(() => bob.last[0]?.state === 'failed' && ada.last[0]?.state === 'declined');
    expect(bob.last[0]!.error).toBe('too_large_relayed');
    expect(bob.sink).toBeNull();
  });

  // A server that renumbers the pieces hides the damage from the pipe: the sealed chunks' index check must catch it.
  const dishonest: [string, (pieces: Relayed[]) => Relayed[], FileTransfer['error'][]][] = [
    ['drops a chunk', (() => {
      let n = 0;
      return (p: Relayed[]) => p.filter((m) => !(m.data.bin && n++ >= 4 && n <= 6)); // both pieces of chunk 2
    })(), ['out_of_order', 'incomplete']],
    ['replays a chunk', (() => {
      let copy: Relayed[] = [];
      let n = 0;
      return (p: Relayed[]) => p.flatMap((m) => {
        if (!m.data.bin) return [m];
        n++;
        if (n === 3 || n === 4) copy.push(m); // chunk 1
        if (n === 6 && copy.length === 2) {
          const again = copy;
          copy = [];
          return [m, ...again];
        }
        return [m];
      });
    })(), ['out_of_order']],
    ['swaps two chunks', (() => {
      let held: Relayed[] = [];
      let n = 0;
      return (p: Relayed[]) => p.flatMap((m) => {
        if (!m.data.bin) return [m];
        n++;
        if (n === 3 || n === 4) {
          held.push(m); // chunk 1 held back until chunk 2 went by
          return [];
        }
        if (n === 6) {
          const late = held;
          held = [];
          return [m, ...late];
        }
        return [m];
      });
    })(), ['out_of_order']],
  ];
  for (const [what, edit, errors] of dishonest) {
    it(`fails the transfer clearly when the server ${what} (and keeps nothing)`, async () => {
      const { ada, bob, until } = await transfersOverRelay(renumbered(edit));
      ada.files.send(new File([FILE], 'notes.bin'), [BOB]);
      await until(() => bob.last[0]?.state === 'offered');
      await bob.files.accept(bob.last[0]!.id);
      await until(() => bob.last[0]?.state === 'failed' && ada.last[0]?.state === 'failed');
      expect(bob.last[0]!.state).toBe('failed');
      expect(errors).toContain(bob.last[0]!.error);
      expect(ada.last[0]!.error).toBe('remote_failed');
      expect(bob.sink!.chunks).toEqual([]);
    });
  }
});
