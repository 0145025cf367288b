/**
 * The chat channel beyond what chat-crypto.test.ts covers (sending to every
 * link, replay and reorder, per-sender order, empty and over-long text): what
 * is sent is what arrives, for any text the sender accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatText, createChatChannel, type ChatSender } from './chat-channel.js';
import { MAX_CHAT_TEXT, deriveChatKey } from './chat-crypto.js';

const MEETING = 'abc-defg-hjk';
const ADA = 'aaaaaaaaaaaaaaaa';
const BOB = 'bbbbbbbbbbbbbbbb';

async function chatKey(): Promise<CryptoKey> {
  const e2e = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
  return deriveChatKey(e2e);
}

/** Ada's and Bob's channels, and the frames Ada's sends reach Bob through. */
async function pair(now?: () => number) {
  const key = await chatKey();
  const ada = createChatChannel({ key, meetingId: MEETING, localPeerId: () => ADA, ...(now ? { now } : {}) });
  const bob = createChatChannel({ key, meetingId: MEETING, localPeerId: () => BOB });
  const frames: string[] = [];
  const toBob: ChatSender[] = [{ remoteId: BOB, sendChat: (f) => (frames.push(f), true) }];
  return { ada, bob, frames, toBob };
}

describe('chat channel', () => {
  it('delivers exactly what the sender shows as sent, for any text it accepts (property)', async () => {
    const { ada, bob, frames, toBob } = await pair();
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 300 })// What the sender accepts: text with something left once cleaned (control characters go; see chatText).
      .filter((t) => chatText(t).length > 0);
    await fc.assert(
      fc.asyncProperty(text, fc.string({ unit: 'binary', maxLength: 80 }), async (t, name) => {
        const sent = await ada.send(t, name, toBob);
        const got = await bob.receive(ADA, frames.at(-1)!);
        expect(got).toEqual({ ...sent, mine: false });
      }),
      { numRuns: 60 },
    );
    expect(bob.dropped).toBe(0);
  });

  it('delivers the longest message the sender accepts, whatever its characters', async () => {
    const { ada, bob, frames, toBob } = await pair();
    // 3-byte characters, characters JSON escapes, surrogate pairs, and what the sender cleans up first.
    for (const unit of ['x', '€', '"', '\\', '\t', '\n', '\u2028', '😀', '\u0001', '\ud800', 'a\u001b']) {
      const text = unit.repeat(Math.ceil(MAX_CHAT_TEXT / unit.length)).slice(0, MAX_CHAT_TEXT - 1) + 'z';
      const sent = await ada.send(text, unit.repeat(64), toBob);
      const got = await bob.receive(ADA, frames.at(-1)!);
      expect(got, `4,000 × ${JSON.stringify(unit)}`).toEqual({ ...sent, mine: false });
    }
    expect(bob.dropped).toBe(0);
  });

  it('removes control characters other than tab and line breaks, and mends broken surrogates', async () => {
    const { ada, toBob } = await pair();
    expect((await ada.send('a\u0000b\u0007c\u001bd\te\nf\rg\u007fh', 'Ada', toBob)).text).toBe('abcd\te\nf\rg\u007fh');
    expect((await ada.send('x\ud83dy\ude00z 😀', 'Ada', toBob)).text).toBe('x\ufffdy\ufffdz 😀');
    await expect(ada.send('\u0001\u0002 \u0003', 'Ada', toBob)).rejects.toThrow('empty message');
    expect(chatText('  \u0001 hi \u0002 ')).toBe('hi');
  });

  it('trims the text, cuts the name to 64 characters and stamps the sender\'s clock', async () => {
    const { ada, bob, frames, toBob } = await pair(() => 1_234);
    const sent = await ada.send('\n  hello  \t', 'N'.repeat(100), toBob);
    expect(sent).toMatchObject({ text: 'hello', fromName: 'N'.repeat(64), sentAt: 1_234, fromPeerId: ADA, mine: true });
    expect(await bob.receive(ADA, frames[0]!)).toMatchObject({ text: 'hello', fromName: 'N'.repeat(64), sentAt: 1_234 });
  });

  it('refuses to send outside a meeting, and sends nothing then', async () => {
    const key = await chatKey();
    const frames: string[] = [];
    const lonely = createChatChannel({ key, meetingId: MEETING, localPeerId: () => null });
    await expect(lonely.send('hi', 'Ada', [{ remoteId: BOB, sendChat: (f) => (frames.push(f), true) }])).rejects.toThrow('not in a meeting');
    expect(frames).toEqual([]);
  });

  it('gives each message a fresh id', async () => {
    const { ada, toBob } = await pair();
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) ids.add((await ada.send(`m${i}`, 'Ada', toBob)).id);
    expect(ids.size).toBe(50);
  });

  it('sends under the sender\'s current peer id: a frame claimed by the old id after a resume is dropped', async () => {
    const key = await chatKey();
    let me = ADA;
    const ada = createChatChannel({ key, meetingId: MEETING, localPeerId: () => me });
    const bob = createChatChannel({ key, meetingId: MEETING, localPeerId: () => BOB });
    const frames: string[] = [];
    me = 'cccccccccccccccc';
    await ada.send('who am I', 'Ada', [{ remoteId: BOB, sendChat: (f) => (frames.push(f), true) }]);
    expect(await bob.receive(ADA, frames[0]!)).toBeNull();
    expect(await bob.receive('cccccccccccccccc', frames[0]!)).toMatchObject({ text: 'who am I' });
  });

  it('counts every frame it drops: another meeting\'s, garbage, oversized', async () => {
    const { bob } = await pair();
    const elsewhere = createChatChannel({ key: await chatKey(), meetingId: MEETING, localPeerId: () => ADA });
    const frames: string[] = [];
    await elsewhere.send('from another meeting', 'Eve', [{ remoteId: BOB, sendChat: (f) => (frames.push(f), true) }]);
    expect(await bob.receive(ADA, frames[0]!)).toBeNull();
    expect(await bob.receive(ADA, '')).toBeNull();
    expect(await bob.receive(ADA, '{"v":1}')).toBeNull();
    expect(await bob.receive(ADA, 'x'.repeat(1_000_000))).toBeNull();
    expect(bob.dropped).toBe(4);
  });
});
