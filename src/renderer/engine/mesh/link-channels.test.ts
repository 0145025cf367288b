import { describe, expect, it } from 'vitest';
import { createLinkChannels, FILES_LOW_WATER_BYTES, MAX_CHAT_BACKLOG, MAX_CHAT_FRAME, MAX_FILE_CONTROL_FRAME } from './link-channels.js';

/** The parts of RTCDataChannel the link uses, on a real EventTarget. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'blob';
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onopen: (() => void) | null = null;
  sent: (string | ArrayBuffer)[] = [];
  constructor(
    readonly label: string,
    readonly init: RTCDataChannelInit,
  ) {
    super();
  }
  send(data: string | ArrayBuffer) {
    if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
    this.sent.push(data);
  }
  // test controls
  open() {
    this.readyState = 'open';
    this.onopen?.();
    this.dispatchEvent(new Event('open'));
  }
  receive(data: unknown) {
    this.onmessage?.(new MessageEvent('message', { data }));
  }
  close() {
    this.readyState = 'closed';
    this.dispatchEvent(new Event('close'));
  }
}

function setUp() {
  const channels: FakeChannel[] = [];
  const pc = {
    createDataChannel(label: string, init: RTCDataChannelInit) {
      const ch = new FakeChannel(label, init);
      channels.push(ch);
      return ch as unknown as RTCDataChannel;
    },
  };
  const chatFrames: string[] = [];
  const fileFrames: (string | ArrayBuffer)[] = [];
  const link = createLinkChannels(pc, { onChatFrame: (f) => chatFrames.push(f), onFileFrame: (f) => fileFrames.push(f) });
  const chat = () => channels.find((c) => c.label === 'chat')!;
  const files = () => channels.find((c) => c.label === 'files')!;
  return { link, channels, chat, files, chatFrames, fileFrames };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('link channels, chat sending', () => {
  it('creates chat and files as negotiated, ordered channels with fixed ids, files in binary with its low-water mark', () => {
    const { link, chat, files } = setUp();
    link.open();
    expect(chat().init).toEqual({ negotiated: true, id: 0, ordered: true });
    expect(files().init).toEqual({ negotiated: true, id: 1, ordered: true });
    expect(files().binaryType).toBe('arraybuffer');
    expect(files().bufferedAmountLowThreshold).toBe(FILES_LOW_WATER_BYTES);
  });

  it('sends chat frames written before the channel opens, in order, when it opens', () => {
    const { link, chat } = setUp();
    expect(link.sendChat('one')).toBe(true); // before the channel even exists
    link.open();
    expect(link.sendChat('two')).toBe(true); // exists, still connecting
    expect(chat().sent).toEqual([]);
    chat().open();
    expect(chat().sent).toEqual(['one', 'two']);
    expect(link.sendChat('three')).toBe(true);
    expect(chat().sent).toEqual(['one', 'two', 'three']);
  });

  it('caps the chat backlog at MAX_CHAT_BACKLOG frames and refuses the rest', () => {
    const { link, chat } = setUp();
    link.open();
    for (let i = 0; i < MAX_CHAT_BACKLOG; i++) expect(link.sendChat(`f${i}`)).toBe(true);
    expect(link.sendChat('one too many')).toBe(false);
    chat().open();
    expect(chat().sent).toHaveLength(MAX_CHAT_BACKLOG);
    expect(chat().sent.at(-1)).toBe(`f${MAX_CHAT_BACKLOG - 1}`);
  });

  it('refuses chat on a channel that closed', () => {
    const { link, chat } = setUp();
    link.open();
    chat().open();
    chat().close();
    expect(link.sendChat('late')).toBe(false);
  });

});

describe('link channels, receiving and files', () => {
  it('drops oversized and non-text chat frames, delivers the rest', () => {
    const { link, chat, chatFrames } = setUp();
    link.open();
    chat().receive('x'.repeat(MAX_CHAT_FRAME + 1));
    chat().receive(new ArrayBuffer(8));
    chat().receive('x'.repeat(MAX_CHAT_FRAME));
    chat().receive('hi');
    expect(chatFrames.map((f) => f.length)).toEqual([MAX_CHAT_FRAME, 2]);
  });

  it('drops oversized text frames on the files channel, delivers binary chunks and control frames', () => {
    const { link, files, fileFrames } = setUp();
    link.open();
    const chunk = new ArrayBuffer(64 * 1024);
    files().receive('y'.repeat(MAX_FILE_CONTROL_FRAME + 1));
    files().receive(42);
    files().receive(chunk);
    files().receive('{"sealed":1}');
    expect(fileFrames).toEqual([chunk, '{"sealed":1}']);
  });

  it('sends on the files channel only while it is open, and reports a channel that closed under us', () => {
    const { link, files } = setUp();
    expect(link.files.open).toBe(false);
    expect(link.files.send('early')).toBe(false);
    link.open();
    expect(link.files.send('connecting')).toBe(false);
    files().open();
    expect(link.files.open).toBe(true);
    expect(link.files.send('control')).toBe(true);
    expect(link.files.send(new ArrayBuffer(4))).toBe(true);
    expect(files().sent).toHaveLength(2);
    files().send = () => {
      throw new DOMException('closing', 'InvalidStateError');
    };
    expect(link.files.send('x')).toBe(false);
  });

  it('drained() resolves at once when the files buffer is low', async () => {
    const { link, files } = setUp();
    await link.files.drained(); // no channel yet
    link.open();
    files().open();
    files().bufferedAmount = FILES_LOW_WATER_BYTES;
    await link.files.drained();
  });

  it('drained() waits for bufferedamountlow', async () => {
    const { link, files } = setUp();
    link.open();
    files().open();
    files().bufferedAmount = FILES_LOW_WATER_BYTES + 1;
    expect(link.files.bufferedAmount).toBe(FILES_LOW_WATER_BYTES + 1);
    let done = false;
    const p = link.files.drained().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    files().bufferedAmount = 0;
    files().dispatchEvent(new Event('bufferedamountlow'));
    await p;
    expect(done).toBe(true);
  });

  it('drained() resolves when the channel closes, so a sender never hangs', async () => {
    const { link, files } = setUp();
    link.open();
    files().open();
    files().bufferedAmount = 10 * FILES_LOW_WATER_BYTES;
    let done = false;
    const p = link.files.drained().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    files().close();
    await p;
    expect(done).toBe(true);
  });

  it('drained() resolves when the link is disposed, though a closed connection fires no close on its channels', async () => {
    const { link, files } = setUp();
    link.open();
    files().open();
    files().bufferedAmount = 10 * FILES_LOW_WATER_BYTES;
    let done = false;
    const p = link.files.drained().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    link.dispose();
    await p;
    expect(done).toBe(true);
  });

  it('after dispose: the backlog is dropped, nothing is sent or delivered', () => {
    const { link, chat, files, chatFrames, fileFrames } = setUp();
    link.open();
    link.sendChat('queued');
    link.dispose();
    chat().open();
    files().open();
    expect(chat().sent).toEqual([]);
    expect(link.sendChat('after')).toBe(false);
    expect(link.files.open).toBe(false);
    expect(link.files.send('after')).toBe(false);
    chat().receive('hello');
    files().receive('hello');
    expect(chatFrames).toEqual([]);
    expect(fileFrames).toEqual([]);
  });
});
