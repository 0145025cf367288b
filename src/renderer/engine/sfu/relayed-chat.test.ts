import { describe, expect, it } from 'vitest';
import { isRelayedChat, relayedChat } from './relayed-chat.js';

describe('relayed chat frames (SFU meetings)', () => {
  it('wraps a sealed chat frame for the signal relay and recognises it', () => {
    expect(isRelayedChat(relayedChat('sealed'))).toBe(true);
  });

  it('refuses anything else: other kinds, extra fields, oversized frames', () => {
    expect(isRelayedChat({ kind: 'media-key-hello', frame: 'x' })).toBe(false);
    expect(isRelayedChat({ kind: 'chat', frame: 'x', from: 'someone' })).toBe(false);
    expect(isRelayedChat({ kind: 'chat', frame: 42 })).toBe(false);
    expect(isRelayedChat({ kind: 'chat', frame: 'x'.repeat(32 * 1024 + 1) })).toBe(false);
  });
});
