import { describe, expect, it } from 'vitest';
import { createChatChannel } from './chat-channel.js';
import { MAX_CHAT_TEXT, decryptChat, deriveChatKey, encryptChat, newChatEpoch, type ChatPayload } from './chat-crypto.js';

async function e2eKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
}
const ctx = { meetingId: 'abc-defg-hjk', senderPeerId: '0123456789abcdef' };
const order = { epoch: newChatEpoch(), seq: 1 };
const msg: ChatPayload = { id: 'm1', text: 'hello <b>there</b> 👋', sentAt: 1_700_000_000_000, fromName: 'Ada' };

describe('chat encryption', () => {
  it('round-trips', async () => {
    const key = await deriveChatKey(await e2eKey());
    const frame = await encryptChat(key, msg, ctx, order);
    expect(frame).not.toContain('hello');
    expect(await decryptChat(key, frame, ctx)).toEqual({ payload: msg, order });
  });

  it('uses a fresh IV each time', async () => {
    const key = await deriveChatKey(await e2eKey());
    const a = JSON.parse(await encryptChat(key, msg, ctx, order));
    const b = JSON.parse(await encryptChat(key, msg, ctx, order));
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('refuses another meeting\'s key', async () => {
    const frame = await encryptChat(await deriveChatKey(await e2eKey()), msg, ctx, order);
    expect(await decryptChat(await deriveChatKey(await e2eKey()), frame, ctx)).toBeNull();
  });

  it('refuses a tampered ciphertext', async () => {
    const key = await deriveChatKey(await e2eKey());
    const env = JSON.parse(await encryptChat(key, msg, ctx, order));
    const c = env.ct as string;
    env.ct = c.slice(0, 5) + (c[5] === 'A' ? 'B' : 'A') + c.slice(6);
    expect(await decryptChat(key, JSON.stringify(env), ctx)).toBeNull();
  });

  it('refuses a message whose place in the sender\'s stream was changed', async () => {
    const key = await deriveChatKey(await e2eKey());
    const env = JSON.parse(await encryptChat(key, msg, ctx, order));
    expect(await decryptChat(key, JSON.stringify({ ...env, seq: 2 }), ctx)).toBeNull();
    expect(await decryptChat(key, JSON.stringify({ ...env, ep: newChatEpoch() }), ctx)).toBeNull();
  });

  it('refuses a message re-attributed to another sender or meeting', async () => {
    const key = await deriveChatKey(await e2eKey());
    const frame = await encryptChat(key, msg, ctx, order);
    expect(await decryptChat(key, frame, { ...ctx, senderPeerId: 'fedcba9876543210' })).toBeNull();
    expect(await decryptChat(key, frame, { ...ctx, meetingId: 'xyz-defg-hjk' })).toBeNull();
  });

  it('drops malformed frames and invalid payloads', async () => {
    const key = await deriveChatKey(await e2eKey());
    for (const bad of ['', 'not json', '{}', '{"v":1,"iv":"short","ct":"x"}', '[]', 'null']) {
      expect(await decryptChat(key, bad, ctx)).toBeNull();
    }
    const tooLong = await encryptChat(key, { ...msg, text: 'x'.repeat(MAX_CHAT_TEXT + 1) }, ctx, order);
    expect(await decryptChat(key, tooLong, ctx)).toBeNull();
    const extra = await encryptChat(key, { ...msg, html: '<script>' } as ChatPayload, ctx, order);
    expect(await decryptChat(key, extra, ctx)).toBeNull();
  });
});

describe('chat channel', () => {
  it('sends one frame to every link and delivers it once, attributed to the link it came on', async () => {
    const key = await deriveChatKey(await e2eKey());
    const alice = createChatChannel({ key, meetingId: ctx.meetingId, localPeerId: () => 'aaaaaaaaaaaaaaaa' });
    const bob = createChatChannel({ key, meetingId: ctx.meetingId, localPeerId: () => 'bbbbbbbbbbbbbbbb' });
    const frames: [string, string][] = [];
    const links = ['bbbbbbbbbbbbbbbb', 'cccccccccccccccc'].map((id) => ({ remoteId: id, sendChat: (f: string) => (frames.push([id, f]), true) }));
    const sent = await alice.send('  hi all ', 'Alice', links);
    expect(sent).toMatchObject({ text: 'hi all', mine: true, fromPeerId: 'aaaaaaaaaaaaaaaa', fromName: 'Alice' });
    expect(frames.map(([id]) => id)).toEqual(['bbbbbbbbbbbbbbbb', 'cccccccccccccccc']);
    const got = await bob.receive('aaaaaaaaaaaaaaaa', frames[0]![1]);
    expect(got).toMatchObject({ text: 'hi all', mine: false, fromPeerId: 'aaaaaaaaaaaaaaaa', id: sent.id });
    expect(await bob.receive('aaaaaaaaaaaaaaaa', frames[0]![1])).toBeNull(); // replayed
    expect(await bob.receive('cccccccccccccccc', frames[0]![1])).toBeNull(); // claimed by someone else
    expect(await bob.receive('aaaaaaaaaaaaaaaa', 'garbage')).toBeNull();
    expect(bob.dropped).toBe(3);
  });

  it('drops replayed and reordered messages, and messages from a sender\'s earlier session', async () => {
    const key = await deriveChatKey(await e2eKey());
    const A = 'aaaaaaaaaaaaaaaa';
    const frames: string[] = [];
    const toBob = [{ remoteId: 'b', sendChat: (f: string) => (frames.push(f), true) }];
    const bob = createChatChannel({ key, meetingId: ctx.meetingId, localPeerId: () => 'bbbbbbbbbbbbbbbb' });
    const first = createChatChannel({ key, meetingId: ctx.meetingId, localPeerId: () => A });
    for (const t of ['one', 'two', 'three']) await first.send(t, 'Ada', toBob);
    expect(await bob.receive(A, frames[0]!)).toMatchObject({ text: 'one' });
    expect(await bob.receive(A, frames[2]!)).toMatchObject({ text: 'three' }); // 'two' lost on the way: a gap is fine
    expect(await bob.receive(A, frames[1]!)).toBeNull(); // …but it cannot come in late (reordered)
    // Ada rejoins: a new session (epoch) from the same peer id is taken…
    const second = createChatChannel({ key, meetingId: ctx.meetingId, localPeerId: () => A });
    await second.send('again', 'Ada', toBob);
    expect(await bob.receive(A, frames[3]!)).toMatchObject({ text: 'again' });
    // …and the old session can never be played back.
    expect(await bob.receive(A, frames[0]!)).toBeNull();
    expect(bob.dropped).toBe(2);
  });

  it('keeps one sender\'s messages in the order they arrived, however long each takes to open', async () => {
    const key = await deriveChatKey(await e2eKey());
    const frames: string[] = [];
    const ada = createChatChannel({ key, meetingId: ctx.meetingId, localPeerId: () => 'aaaaaaaaaaaaaaaa' });
    for (let i = 1; i <= 20; i++) await ada.send(`m${i}`, 'Ada', [{ remoteId: 'b', sendChat: (f: string) => (frames.push(f), true) }]);
    const bob = createChatChannel({ key, meetingId: ctx.meetingId, localPeerId: () => 'bbbbbbbbbbbbbbbb' });
    const got = await Promise.all(frames.map((f) => bob.receive('aaaaaaaaaaaaaaaa', f)));
    expect(got.map((m) => m?.text)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i + 1}`));
  });

  it('refuses empty and over-long messages', async () => {
    const key = await deriveChatKey(await e2eKey());
    const c = createChatChannel({ key, meetingId: ctx.meetingId, localPeerId: () => 'aaaaaaaaaaaaaaaa' });
    await expect(c.send('   ', 'A', [])).rejects.toThrow();
    await expect(c.send('x'.repeat(MAX_CHAT_TEXT + 1), 'A', [])).rejects.toThrow();
  });
});
