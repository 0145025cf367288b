import { describe, expect, it } from 'vitest';
import type { CallState } from '../call-state.js';
import { initialState } from '../roster.js';
import { everyoneMayRecord, mayRecord, recorderIds } from './recording-consent.js';

const ON = { recording: true, everyoneMayRecord: false };
const OPEN = { recording: false, everyoneMayRecord: true };

function state(over: { isHost?: boolean; hostId?: string | null; mine?: CallState['recording']['mine']; others?: CallState['recording']['others'] }): CallState {
  const s = initialState();
  return {
    ...s,
    hostId: over.hostId ?? null,
    local: { ...s.local, peerId: 'me', isHost: over.isHost ?? false },
    peers: ['host', 'eve'].map((peerId) => ({ ...s.local, peerId, displayName: peerId })),
    recording: { mine: over.mine ?? s.recording.mine, others: over.others ?? {} },
  };
}

describe('who may record', () => {
  it('the host may, and nobody else by default', () => {
    expect(mayRecord(state({ isHost: true, hostId: 'me' }))).toBe(true);
    expect(mayRecord(state({ hostId: 'host' }))).toBe(false);
  });

  it('everyone may once the host says so — the host, not anyone else', () => {
    expect(mayRecord(state({ hostId: 'host', others: { host: OPEN } }))).toBe(true);
    expect(everyoneMayRecord(state({ hostId: 'host', others: { host: OPEN } }))).toBe(true);
    // Eve claims everyone may; she is not the host.
    expect(mayRecord(state({ hostId: 'host', others: { eve: OPEN } }))).toBe(false);
    // The host role moved to Eve: the old host's word no longer counts.
    expect(mayRecord(state({ hostId: 'eve', others: { host: OPEN } }))).toBe(false);
  });

  it('lists who records, this client first, and only people who are here', () => {
    expect(recorderIds(state({ mine: ON, others: { eve: ON, gone: ON } }))).toEqual(['me', 'eve']);
  });
});
