import { describe, expect, it } from 'vitest';
import type { CallState, Participant } from '../../engine/call-state.js';
import { initialState } from '../../engine/roster.js';
import { watchSelection } from '../hooks.js';
import {
  arrayEqual,
  gridEqual,
  selectGrid,
  selectIsHost,
  selectJoinError,
  selectLobby,
  selectMuteRequester,
  selectOfferedTransfers,
  selectRoster,
  selectShareStatus,
  selectStatus,
  selectTile,
  shallowArrayEqual,
  shallowEqual,
  type TileView,
} from './call-selectors.js';

const local: CallState['local'] = {
  peerId: 'me',
  displayName: 'Ada',
  muted: false,
  videoOff: true,
  handRaised: false,
  handRaisedAt: null,
  isHost: false,
  stream: null,
  screen: null,
  connection: 'connected',
  quality: 'unknown',
  audioLevel: 0,
  stats: null,
  verification: 'verified',
  safetyCode: null,
  securityProblem: null,
  cantDecrypt: [],
};

function peer(peerId: string, over: Partial<Participant> = {}): Participant {
  return { ...local, peerId, displayName: peerId.toUpperCase(), verification: 'pending', ...over };
}

function state(over: Partial<CallState> = {}): CallState {
  return { ...initialState(), phase: 'in-call', meetingId: 'm1', local, peers: [peer('bob'), peer('cy')], hostId: 'bob', ...over };
}

/** The state after one audio-meter tick: a new peers array, one peer with a new level. */
function levelTick(s: CallState, peerId: string, level: number): CallState {
  return { ...s, peers: s.peers.map((p) => (p.peerId === peerId ? { ...p, audioLevel: level } : p)) };
}

describe('equality', () => {
  it('shallowEqual compares one level deep', () => {
    expect(shallowEqual({ a: 1, b: 'x' }, { a: 1, b: 'x' })).toBe(true);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(shallowEqual({ a: [] }, { a: [] })).toBe(false);
    expect(shallowEqual(NaN, NaN)).toBe(true);
  });
  it('arrayEqual compares items with the given equality', () => {
    expect(arrayEqual<number>()([1, 2], [1, 2])).toBe(true);
    expect(arrayEqual<number>()([1, 2], [2, 1])).toBe(false);
    expect(shallowArrayEqual([{ a: 1 }], [{ a: 1 }])).toBe(true);
    expect(shallowArrayEqual([{ a: 1 }], [{ a: 1 }, { a: 1 }])).toBe(false);
  });
});

describe('call selectors', () => {
  it('isHost is the engine’s local.isHost, not recomputed from hostId', () => {
    expect(selectIsHost(state({ hostId: 'me' }))).toBe(false);
    expect(selectIsHost(state({ local: { ...local, isHost: true } }))).toBe(true);
  });

  it('the lobby is shown to the host only', () => {
    const lobby = [{ peerId: 'w', displayName: 'Wen' }];
    expect(selectLobby(state({ lobby }))).toEqual([]);
    expect(selectLobby(state({ lobby, local: { ...local, isHost: true } }))).toBe(lobby);
  });

  it('a tile view ignores the audio level and hidden stats, so a level tick is equal', () => {
    const s = state({ peers: [peer('bob', { stats: { rttMs: 10, lossRate: 0, inboundKbps: 1, outboundKbps: 1, videoCodec: null, audioCodec: null, dtlsState: null, srtpCipher: null, relayed: true } })] });
    const before = selectTile(s, 'bob')!;
    const after = selectTile(levelTick(s, 'bob', 0.7), 'bob')!;
    expect(before.relayed).toBe(true);
    expect(shallowEqual(before, after)).toBe(true);
    expect(shallowEqual(before, selectTile({ ...s, peers: [{ ...s.peers[0]!, muted: true }] }, 'bob')!)).toBe(false);
  });

  it('a tile knows when it is the active speaker, yourself included', () => {
    const s = state({ activeSpeakerId: 'me' });
    expect(selectTile(s, null)!.speaking).toBe(true);
    expect(selectTile(s, 'bob')!.speaking).toBe(false);
    expect(selectTile(state({ activeSpeakerId: 'bob' }), 'bob')!.speaking).toBe(true);
    // Before admission nobody's id is null-equal to ours.
    expect(selectTile(state({ local: { ...local, peerId: null }, activeSpeakerId: null }), null)!).toMatchObject({ peerId: '', speaking: false });
  });

  it('a tile of someone who left selects null', () => {
    expect(selectTile(state(), 'gone')).toBeNull();
  });

  it('the grid is equal across level ticks and changes when someone joins or shares', () => {
    const s = state();
    expect(gridEqual(selectGrid(s), selectGrid(levelTick(s, 'bob', 0.5)))).toBe(true);
    expect(gridEqual(selectGrid(s), selectGrid({ ...s, peers: [...s.peers, peer('dee')] }))).toBe(false);
    const screen = {} as MediaStream;
    const sharing = { ...s, peers: [s.peers[0]!, { ...s.peers[1]!, screen }] };
    expect(selectGrid(sharing).presenterId).toBe('cy');
    expect(selectShareStatus(sharing)).toBe('CY is sharing their screen.');
  });

  it('the roster puts this client first and is equal across level ticks', () => {
    const s = state();
    expect(selectRoster(s).map((r) => r.peerId)).toEqual(['me', 'bob', 'cy']);
    expect(shallowArrayEqual(selectRoster(s), selectRoster(levelTick(s, 'cy', 0.9)))).toBe(true);
  });

  it('the roster puts raised hands first, in the order they went up, each with its place', () => {
    const s = state({
      local: { ...local, handRaised: true, handRaisedAt: 30 },
      peers: [peer('bob'), peer('cy', { handRaised: true, handRaisedAt: 10 }), peer('dee', { handRaised: true, handRaisedAt: 20 })],
    });
    expect(selectRoster(s).map((r) => [r.peerId, r.handPlace])).toEqual([
      ['cy', 1],
      ['dee', 2],
      ['me', 3],
      ['bob', null],
    ]);
  });

  it('status, mute requester and join error say what docs/ui-contract.md says', () => {
    expect(selectStatus(state({ phase: 'lobby' }))).toBe('Waiting for the host to let you in…');
    expect(selectStatus(state({ peers: [peer('bob', { connection: 'reconnecting', displayName: 'Bob' })] }))).toBe('Reconnecting to Bob…');
    expect(selectStatus(state())).toBe('');
    expect(selectMuteRequester(state({ muteRequestedBy: 'bob' }))).toBe('BOB');
    expect(selectMuteRequester(state({ muteRequestedBy: 'gone' }))).toBe('The host');
    expect(selectJoinError(state())).toBeNull();
    expect(selectJoinError(state({ phase: 'failed', error: { code: 'meeting_full' } as CallState['error'] }))).toBe('This meeting is full.');
  });

  it('offered transfers are those waiting for an answer', () => {
    const t = (id: string, st: string) => ({ id, state: st }) as unknown as CallState['transfers'][number];
    expect(selectOfferedTransfers(state({ transfers: [t('1', 'offered'), t('2', 'sending')] })).map((x) => x.id)).toEqual(['1']);
  });
});

/** An engine's store surface, publishing by hand. */
function fakeStore(initial: CallState) {
  let current = initial;
  const listeners = new Set<(s: CallState) => void>();
  return {
    getState: () => current,
    subscribe(l: (s: CallState) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    publish(next: CallState) {
      current = next;
      for (const l of listeners) l(next);
    },
    listeners,
  };
}

describe('watchSelection (the core of useCallSelector)', () => {
  it('calls back only when the selection changes by its equality', () => {
    const store = fakeStore(state());
    const seen: (TileView | null)[] = [];
    let last = selectTile(store.getState(), 'bob');
    const stop = watchSelection(
      store,
      () => ({ select: (s) => selectTile(s, 'bob'), isEqual: (a, b) => shallowEqual(a, b), last }),
      (v) => {
        last = v;
        seen.push(v);
      },
    );
    for (let i = 1; i <= 8; i++) store.publish(levelTick(store.getState(), i % 2 ? 'bob' : 'cy', i / 10));
    expect(seen).toHaveLength(0);
    store.publish({ ...store.getState(), activeSpeakerId: 'bob' });
    store.publish({ ...store.getState(), activeSpeakerId: 'bob', unreadChat: 3 });
    expect(seen.map((v) => v?.speaking)).toEqual([true]);
    stop();
    expect(store.listeners.size).toBe(0);
    store.publish({ ...store.getState(), activeSpeakerId: null });
    expect(seen).toHaveLength(1);
  });

  it('catches a publication between the render and the subscription', () => {
    const store = fakeStore(state());
    const last = store.getState().unreadChat;
    store.publish(state({ unreadChat: 2 }));
    const seen: number[] = [];
    watchSelection(store, () => ({ select: (s) => s.unreadChat, isEqual: Object.is, last }), (v) => seen.push(v));
    expect(seen).toEqual([2]);
  });

  it('uses the latest selector it is given', () => {
    const store = fakeStore(state());
    let id = 'bob';
    let last: string | undefined = 'BOB';
    const seen: (string | undefined)[] = [];
    watchSelection(
      store,
      () => ({ select: (s) => s.peers.find((p) => p.peerId === id)?.displayName, isEqual: Object.is, last }),
      (v) => {
        last = v;
        seen.push(v);
      },
    );
    id = 'cy';
    store.publish({ ...store.getState() });
    expect(seen).toEqual(['CY']);
  });
});
