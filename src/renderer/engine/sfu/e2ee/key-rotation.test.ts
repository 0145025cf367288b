import { describe, expect, it } from 'vitest';
import { FrameDecryptor, FrameEncryptor } from './frame-crypto.js';
import { kidOf } from './media-key.js';
import { MAX_RATCHET_AHEAD, ReceiverKeyRing, SUPERSEDED_KEY_LIFETIME_MS } from './receiver-key-ring.js';
import { SenderKeyRing } from './sender-key-ring.js';

/** A VP8 interframe: 3 clear bytes, then payload. */
const frame = (n: number) => new Uint8Array([0x31, 0x02, 0x03, ...new Array<number>(40).fill(n)]);

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('media key rotation', () => {
  it("a leaver's key opens no frame sent after the new epoch", async () => {
    const sender = new SenderKeyRing();
    const enc = new FrameEncryptor();
    const leaver = new ReceiverKeyRing();
    const stayer = new ReceiverKeyRing();
    leaver.add(sender.current);
    stayer.add(sender.current);
    enc.use(sender.current);
    const before = await enc.encrypt('video', frame(1));
    expect(await new FrameDecryptor(leaver).decrypt('video', before!)).toEqual(frame(1));

    const next = sender.newEpoch();
    stayer.add(next);
    enc.use(next);
    const after = (await enc.encrypt('video', frame(2)))!;
    const leaverOpens = new FrameDecryptor(leaver);
    expect(await leaverOpens.decrypt('video', after)).toBeNull();
    expect(leaverOpens.dropped).toBe(1);
    expect(await new FrameDecryptor(stayer).decrypt('video', after)).toEqual(frame(2));
  });

  it("a newcomer's key opens nothing sent before they arrived; members ratchet without being told", async () => {
    const sender = new SenderKeyRing();
    const enc = new FrameEncryptor();
    const member = new ReceiverKeyRing();
    member.add(sender.current);
    enc.use(sender.current);
    const before = (await enc.encrypt('video', frame(1)))!;

    const ratcheted = await sender.ratchet();
    expect(kidOf(ratcheted)).toBe(1);
    const newcomer = new ReceiverKeyRing();
    newcomer.add(ratcheted);
    enc.use(ratcheted);
    const after = (await enc.encrypt('video', frame(2)))!;

    expect(await new FrameDecryptor(newcomer).decrypt('video', before)).toBeNull();
    expect(await new FrameDecryptor(newcomer).decrypt('video', after)).toEqual(frame(2));
    const memberOpens = new FrameDecryptor(member);
    expect(await memberOpens.decrypt('video', after)).toEqual(frame(2));
    expect(await memberOpens.decrypt('video', before)).toEqual(frame(1));
    expect(member.kids()).toEqual([0, 1]);
  });

  it('keeps a superseded key for frames in flight at most 10 s, then erases it', async () => {
    const c = clock();
    const sender = new SenderKeyRing();
    const ring = new ReceiverKeyRing(c.now);
    const enc = new FrameEncryptor();
    ring.add(sender.current);
    enc.use(sender.current);
    const late = (await enc.encrypt('audio', frame(7)))!;
    ring.add(sender.newEpoch());
    c.advance(SUPERSEDED_KEY_LIFETIME_MS - 100);
    expect(await new FrameDecryptor(ring).decrypt('audio', late)).toEqual(frame(7));
    c.advance(200);
    expect(await new FrameDecryptor(ring).decrypt('audio', late)).toBeNull();
    expect(ring.kids()).toEqual([kidOf(sender.current)]);
  });

  it('a forged KID ahead of ours derives nothing that retires the key in use', async () => {
    const sender = new SenderKeyRing();
    const ring = new ReceiverKeyRing();
    const enc = new FrameEncryptor();
    ring.add(sender.current);
    enc.use(sender.current);
    const real = (await enc.encrypt('video', frame(3)))!;
    // The clear header says KID 5 (config byte 0x50 | CTR): the SFU can write that, not the tag.
    const forged = new Uint8Array(real);
    forged[3] = 0x50;
    expect(await new FrameDecryptor(ring).decrypt('video', forged)).toBeNull();
    expect(ring.kids()).toEqual([0]);
    expect(await ring.keyFor(MAX_RATCHET_AHEAD + 1)).toBeNull();
  });

  it('never sends a frame before it has a key, and never repeats a counter', async () => {
    const enc = new FrameEncryptor();
    expect(await enc.encrypt('video', frame(1))).toBeNull();
    const sender = new SenderKeyRing();
    enc.use(sender.current);
    const a = (await enc.encrypt('audio', new Uint8Array([0xfc, 1])))!;
    const b = (await enc.encrypt('video', frame(1)))!;
    expect(a[1]).toBe(0x00); // KID 0, CTR 0
    expect(b[3]).toBe(0x01); // KID 0, CTR 1: one counter across kinds
  });
});
