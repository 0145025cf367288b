import { describe, expect, it } from 'vitest';
import { FrameDecryptor, FrameEncryptor } from './frame-crypto.js';
import { ReceiverKeyRing } from './receiver-key-ring.js';
import { REPLAY_WINDOW, ReplayWindow } from './replay-window.js';
import { SenderKeyRing } from './sender-key-ring.js';

/** A VP8 interframe: 3 clear bytes, then payload. */
const frame = (n: number) => new Uint8Array([0x31, 0x02, 0x03, ...new Array<number>(40).fill(n)]);

describe('ReplayWindow', () => {
  it('accepts each counter once, in any order within the window', () => {
    const w = new ReplayWindow();
    for (const ctr of [5n, 3n, 9n, 4n, 0n]) expect(w.accept(ctr)).toBe(true);
    for (const ctr of [5n, 3n, 9n, 4n, 0n]) {
      expect(w.mayAccept(ctr)).toBe(false);
      expect(w.accept(ctr)).toBe(false);
    }
    expect(w.accept(6n)).toBe(true);
  });

  it('refuses what is older than the window behind the newest, and keeps what is just inside it', () => {
    const w = new ReplayWindow();
    const newest = BigInt(REPLAY_WINDOW) + 100n;
    expect(w.accept(100n)).toBe(true);
    expect(w.accept(newest)).toBe(true);
    expect(w.accept(newest - BigInt(REPLAY_WINDOW))).toBe(false); // one past the edge
    expect(w.accept(newest - BigInt(REPLAY_WINDOW) + 1n)).toBe(true); // the oldest it still tells
    expect(w.accept(newest - BigInt(REPLAY_WINDOW) + 1n)).toBe(false);
  });

  it('remembers across moves of every size, word boundaries included', () => {
    const w = new ReplayWindow();
    const accepted: bigint[] = [];
    let ctr = 0n;
    for (const step of [1n, 31n, 32n, 33n, 64n, 7n, 1000n, 1n, 2n]) {
      ctr += step;
      expect(w.accept(ctr)).toBe(true);
      accepted.push(ctr);
    }
    for (const old of accepted) expect(w.mayAccept(old)).toBe(false);
    // Counters skipped on the way are still new.
    expect(w.accept(accepted[1]! - 1n)).toBe(true);
    expect(w.accept(ctr - 500n)).toBe(true);
  });

  it('forgets everything on a jump past the window, then tells replays again', () => {
    const w = new ReplayWindow();
    expect(w.accept(10n)).toBe(true);
    expect(w.accept(10n + BigInt(REPLAY_WINDOW) * 3n)).toBe(true);
    expect(w.accept(10n)).toBe(false); // far too old now
    expect(w.accept(11n + BigInt(REPLAY_WINDOW) * 3n)).toBe(true);
    expect(w.accept(11n + BigInt(REPLAY_WINDOW) * 3n)).toBe(false);
  });
});

describe('FrameDecryptor against replays (an SFU handing a frame over again)', () => {
  async function sender() {
    const keys = new SenderKeyRing();
    const enc = new FrameEncryptor();
    const ring = new ReceiverKeyRing();
    ring.add(keys.current);
    enc.use(keys.current);
    return { keys, enc, ring, dec: new FrameDecryptor(ring) };
  }

  it('opens a frame once: the same authentic frame again is dropped and counted as replayed', async () => {
    const { enc, dec } = await sender();
    const first = (await enc.encrypt('video', frame(1)))!;
    const second = (await enc.encrypt('audio', frame(2)))!;
    expect(await dec.decrypt('video', first)).toEqual(frame(1));
    expect(await dec.decrypt('audio', second)).toEqual(frame(2));
    expect(await dec.decrypt('video', first)).toBeNull();
    expect(dec).toMatchObject({ frames: 2, dropped: 1, replayed: 1 });
  });

  it('opens frames of one sender arriving out of order across tracks (audio ahead of video)', async () => {
    const { enc, dec } = await sender();
    const sealed = [];
    for (let i = 0; i < 20; i++) sealed.push((await enc.encrypt(i % 3 === 0 ? 'video' : 'audio', frame(i)))!);
    const order = [1, 2, 4, 5, 0, 7, 8, 3, 10, 6, 11, 13, 9, 14, 16, 12, 17, 19, 15, 18];
    for (const i of order) expect(await dec.decrypt(i % 3 === 0 ? 'video' : 'audio', sealed[i]!)).toEqual(frame(i));
    expect(dec).toMatchObject({ frames: 20, dropped: 0, replayed: 0 });
  });

  it('two of the sender’s tracks opening the same frame at once: only one gets it', async () => {
    const { enc, dec } = await sender();
    const sealed = (await enc.encrypt('video', frame(3)))!;
    const both = await Promise.all([dec.decrypt('video', sealed), dec.decrypt('video', sealed)]);
    expect(both.filter((b) => b !== null)).toHaveLength(1);
    expect(dec.replayed).toBe(1);
  });

  it('a forged frame moves no window: the authentic frame with that counter still opens', async () => {
    const { enc, dec } = await sender();
    const sealed = (await enc.encrypt('video', frame(4)))!;
    const forged = new Uint8Array(sealed);
    forged[forged.length - 1]! ^= 0xff; // the tag no longer matches
    expect(await dec.decrypt('video', forged)).toBeNull();
    expect(dec.replayed).toBe(0);
    expect(await dec.decrypt('video', sealed)).toEqual(frame(4));
  });

  it('keeps a window per key: after a new epoch, the old key’s frames still cannot be replayed', async () => {
    const { keys, enc, ring, dec } = await sender();
    const old = (await enc.encrypt('video', frame(5)))!;
    expect(await dec.decrypt('video', old)).toEqual(frame(5));
    const next = keys.newEpoch();
    ring.add(next);
    enc.use(next);
    expect(await dec.decrypt('video', (await enc.encrypt('video', frame(6)))!)).toEqual(frame(6));
    expect(await dec.decrypt('video', old)).toBeNull();
    expect(dec.replayed).toBe(1);
  });
});
