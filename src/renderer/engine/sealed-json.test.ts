import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { newEpoch, openJson, sealJson, type StreamOrder } from './sealed-json.js';

const MAX = 2_000;
const Anything = v.unknown();
const Note = v.strictObject({ note: v.string() });
const context = ['merimeet/test', 'meeting-1', 'sender-1'];

function aesKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The envelope of a sealed frame, to tamper with. */
function envelopeOf(frame: string): Record<string, unknown> {
  return JSON.parse(frame) as Record<string, unknown>;
}

/** Flips one character of a base64url string (to another valid base64url character). */
function flip(text: string, at: number): string {
  return text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
}

describe('sealJson / openJson', () => {
  it('opens what it sealed, with the order it was sealed at, for any JSON value', async () => {
    const key = await aesKey();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), async (payload, seq) => {
        const order = { epoch: newEpoch(), seq };
        const frame = await sealJson(key, context, order, payload);
        const opened = await openJson(key, context, frame, Anything, 100_000);
        expect(opened).toEqual({ payload: JSON.parse(JSON.stringify(payload)), order });
      }),
      { numRuns: 60 },
    );
  });

  it('never shows the plaintext, and never reuses an IV', async () => {
    const key = await aesKey();
    const order = { epoch: newEpoch(), seq: 1 };
    const frames = await Promise.all(Array.from({ length: 50 }, () => sealJson(key, context, order, { note: 'secret words' })));
    for (const frame of frames) expect(frame).not.toContain('secret');
    expect(new Set(frames.map((f) => envelopeOf(f).iv)).size).toBe(50);
  });

  it('refuses a frame sealed for another context (meeting, sender or label), or under another key', async () => {
    const key = await aesKey();
    const frame = await sealJson(key, context, { epoch: newEpoch(), seq: 1 }, { note: 'hi' });
    for (const other of [
      ['merimeet/other', 'meeting-1', 'sender-1'],
      ['merimeet/test', 'meeting-2', 'sender-1'],
      ['merimeet/test', 'meeting-1', 'sender-2'],
      ['merimeet/test', 'meeting-1'],
      ['merimeet/test', 'meeting-1', 'sender-1', 'more'],
    ]) {
      expect(await openJson(key, other, frame, Note, MAX), other.join('|')).toBeNull();
    }
    expect(await openJson(await aesKey(), context, frame, Note, MAX)).toBeNull();
    expect(await openJson(key, context, frame, Note, MAX)).not.toBeNull();
  });

  it('refuses a frame whose clear epoch or sequence number was changed (they are authenticated)', async () => {
    const key = await aesKey();
    const frame = await sealJson(key, context, { epoch: newEpoch(), seq: 7 }, { note: 'hi' });
    for (const change of [{ seq: 8 }, { seq: 6 }, { ep: newEpoch() }]) {
      const tampered = JSON.stringify({ ...envelopeOf(frame), ...change });
      expect(await openJson(key, context, tampered, Note, MAX), JSON.stringify(change)).toBeNull();
    }
  });

  it('refuses any one changed character of the IV or the ciphertext', async () => {
    const key = await aesKey();
    const frame = await sealJson(key, context, { epoch: newEpoch(), seq: 1 }, { note: 'hello there' });
    const env = envelopeOf(frame);
    const iv = env.iv as string;
    const ct = env.ct as string;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), async (inIv, n) => {
        const tampered: Record<string, unknown> = inIv ? { ...env, iv: flip(iv, n % iv.length) } : { ...env, ct: flip(ct, n % ct.length) };
        // The last base64url character may carry unused bits: a change only there can decode to the same bytes.
        const sameBytes = !inIv && Buffer.from(tampered.ct as string, 'base64url').equals(Buffer.from(ct, 'base64url'));
        const opened = await openJson(key, context, JSON.stringify(tampered), Note, MAX);
        if (!sameBytes) expect(opened).toBeNull();
      }),
      { numRuns: 80 },
    );
  });

  it('refuses malformed envelopes', async () => {
    const key = await aesKey();
    const good = envelopeOf(await sealJson(key, context, { epoch: newEpoch(), seq: 1 }, { note: 'hi' }));
    const bad: unknown[] = [
      { ...good, v: 2 },
      { ...good, extra: true }, // strict: nothing beyond the five fields
      { ...good, seq: 0 },
      { ...good, seq: -1 },
      { ...good, seq: 1.5 },
      { ...good, seq: '1' },
      { ...good, seq: Number.MAX_SAFE_INTEGER + 1 },
      { ...good, ep: 'short' },
      { ...good, ep: `${good.ep as string}A` },
      { ...good, ep: '!'.repeat(22) },
      { ...good, iv: (good.iv as string).slice(1) },
      { ...good, iv: '!'.repeat(16) },
      { ...good, ct: '' },
      { ...good, ct: '***' },
      Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'iv')),
    ];
    for (const env of bad) expect(await openJson(key, context, JSON.stringify(env), Note, MAX), JSON.stringify(env)).toBeNull();
    for (const frame of ['', 'not json', '{', 'null', '[]', '1', '"frame"', '{}']) {
      expect(await openJson(key, context, frame, Note, MAX), frame).toBeNull();
    }
  });

  it('refuses a payload that does not match the schema, though it decrypts', async () => {
    const key = await aesKey();
    const order = { epoch: newEpoch(), seq: 1 };
    for (const payload of [{ note: 1 }, { note: 'x', more: 'y' }, 'note', null, [{ note: 'x' }]]) {
      const frame = await sealJson(key, context, order, payload);
      expect(await openJson(key, context, frame, Note, MAX), JSON.stringify(payload)).toBeNull();
      expect(await openJson(key, context, frame, Anything, MAX)).not.toBeNull();
    }
  });

  it('refuses plaintext that is not UTF-8 JSON, even correctly sealed', async () => {
    const key = await aesKey();
    const order: StreamOrder = { epoch: newEpoch(), seq: 1 };
    const ad = new TextEncoder().encode([...context, order.epoch, String(order.seq)].join('\n'));
    for (const plaintext of [new Uint8Array([0xff, 0xfe, 0x22, 0x22]), new TextEncoder().encode('{"note": ')]) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: ad }, key, plaintext));
      const frame = JSON.stringify({ v: 1, ep: order.epoch, seq: 1, iv: Buffer.from(iv).toString('base64url'), ct: Buffer.from(ct).toString('base64url') });
      expect(await openJson(key, context, frame, Anything, MAX)).toBeNull();
    }
  });

  it('takes a ciphertext of exactly the bound, with the largest sequence number, and refuses one character more', async () => {
    const key = await aesKey();
    const order = { epoch: newEpoch(), seq: Number.MAX_SAFE_INTEGER };
    // {"note":"…"} is 11 bytes + the text; the GCM tag adds 16. 1,485 bytes → 1,980 base64url characters.
    const atBound = await sealJson(key, context, order, { note: 'x'.repeat(1_485 - 11 - 16) });
    expect((envelopeOf(atBound).ct as string).length).toBe(1_980);
    expect(await openJson(key, context, atBound, Note, 1_980)).not.toBeNull();
    expect(await openJson(key, context, atBound, Note, 1_979)).toBeNull();
  });

  it('refuses an oversized frame before parsing it', async () => {
    const key = await aesKey();
    const huge = `{"v":1,"pad":"${'x'.repeat(10 * MAX)}"}`;
    expect(await openJson(key, context, huge, Note, MAX)).toBeNull();
  });
});

describe('newEpoch', () => {
  it('makes 16 random bytes as 22 base64url characters, different each time', () => {
    const epochs = Array.from({ length: 200 }, newEpoch);
    for (const e of epochs) expect(e).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(epochs).size).toBe(200);
  });
});
