import { describe, expect, it } from 'vitest';
import type { Participant } from '../engine/call-state.js';
import { reconnectingTo } from './messages.js';

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
