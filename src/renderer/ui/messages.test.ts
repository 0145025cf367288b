import { describe, expect, it } from 'vitest';
import type { Participant } from '../engine/call-state.js';
import { departureText, reconnectingTo } from './messages.js';

const p = (displayName: string, connection: Participant['connection']) => ({ displayName, connection }) as Participant;

describe('reconnectingTo', () => {
  it('is empty while every connection is fine (or still being made for the first time)', () => {
    expect(reconnectingTo({ peers: [] })).toBe('');
    expect(reconnectingTo({ peers: [p('Ada', 'connected'), p('Bob', 'connecting'), p('Cy', 'failed')] })).toBe('');
  });

  it('names whoever the media path is being repaired to', () => {
    expect(reconnectingTo({ peers: [p('Ada', 'reconnecting'), p('Bob', 'connected')] })).toBe('Reconnecting to Ada…');
    expect(reconnectingTo({ peers: [p('Ada', 'reconnecting'), p('Bob', 'reconnecting')] })).toBe('Reconnecting to Ada and Bob…');
    expect(reconnectingTo({ peers: [p('Ada', 'reconnecting'), p('Bob', 'reconnecting'), p('Cy', 'reconnecting')] })).toBe(
      'Reconnecting to Ada, Bob and Cy…',
    );
  });
});

describe('departureText', () => {
  it('says who left and how', () => {
    const d = (reason: 'left' | 'timeout' | 'removed') => ({ peerId: 'p', displayName: 'Bob', reason, at: 1 });
    expect(departureText(d('left'))).toBe('Bob left the meeting.');
    expect(departureText(d('timeout'))).toBe('Bob lost their connection and left the meeting.');
    expect(departureText(d('removed'))).toBe('Bob was removed from the meeting.');
  });
});
