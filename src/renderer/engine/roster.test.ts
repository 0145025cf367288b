import { describe, expect, it } from 'vitest';
import type { CallState, ChatMessage } from './call-state.js';
import {
  LEVEL_EPSILON,
  MAX_CHAT_HISTORY,
  afterCall,
  initialState,
  joining,
  patchPeer,
  withChat,
  withDeparture,
  withHost,
  withLevels,
  withPeerInfo,
  withPeerPatches,
  withoutEveryone,
  withoutPeer,
} from './roster.js';

const ME = 'me';
const info = (peerId: string, over: Partial<{ displayName: string; muted: boolean; videoOff: boolean; handRaised: boolean }> = {}) => ({
  peerId,
  displayName: peerId.toUpperCase(),
  muted: false,
  videoOff: false,
  handRaised: false,
  ...over,
});

function inCall(...ids: string[]): CallState {
  let st: CallState = { ...initialState(), phase: 'in-call', local: { ...initialState().local, peerId: ME } };
  for (const id of ids) st = withPeerInfo(st, info(id));
  return st;
}

const chat = (id: string, mine = false): ChatMessage => ({ id, fromPeerId: mine ? ME : 'a', fromName: 'A', text: id, sentAt: 0, mine });

describe('roster', () => {
  it('a fresh join keeps what the person chose and nothing else', () => {
    const st = joining({ meetingId: 'm', displayName: 'Ada', muted: true, videoOff: false, stream: null });
    expect(st).toMatchObject({ phase: 'connecting', meetingId: 'm', peers: [], local: { displayName: 'Ada', muted: true, videoOff: false, peerId: null } });
  });

  it('a new peer is appended with a pending connection; a known one only has its presence updated', () => {
    let st = inCall('a');
    expect(st.peers).toMatchObject([{ peerId: 'a', displayName: 'A', connection: 'connecting', verification: 'pending' }]);
    st = patchPeer(st, 'a', { connection: 'connected' });
    st = withPeerInfo(st, info('a', { muted: true, displayName: 'Ann' }));
    expect(st.peers).toHaveLength(1);
    expect(st.peers[0]).toMatchObject({ displayName: 'Ann', muted: true, connection: 'connected' });
  });

  it('never lists ourselves as a peer', () => {
    const st = inCall();
    expect(withPeerInfo(st, info(ME))).toBe(st);
  });

  it('changes nothing (same object) for a peer it does not know', () => {
    const st = inCall('a');
    expect(patchPeer(st, 'zz', { muted: true })).toBe(st);
    expect(withoutPeer(st, 'zz')).toBe(st);
    expect(withDeparture(st, 'zz', 'left', 1)).toBe(st);
  });

  it('a departure removes the tile, says who left and why, and ends their turn as the speaker', () => {
    const st = { ...inCall('a', 'b'), activeSpeakerId: 'a' };
    const next = withDeparture(st, 'a', 'timeout', 42);
    expect(next.peers.map((p) => p.peerId)).toEqual(['b']);
    expect(next.activeSpeakerId).toBeNull();
    expect(next.lastDeparture).toEqual({ peerId: 'a', displayName: 'A', reason: 'timeout', at: 42 });
  });

  it('the host flag follows the host, and only the host keeps the lobby', () => {
    let st = { ...inCall('a', 'b'), lobby: [{ peerId: 'c', displayName: 'C' }] };
    st = withHost(st, ME);
    expect(st.local.isHost).toBe(true);
    expect(st.lobby).toHaveLength(1);
    st = withHost(st, 'b');
    expect(st.local.isHost).toBe(false);
    expect(st.lobby).toEqual([]);
    expect(st.peers.map((p) => p.isHost)).toEqual([false, true]);
  });

  it('a peer announced after the host change knows whether it is the host', () => {
    const st = withPeerInfo(withHost(inCall(), 'a'), info('a'));
    expect(st.peers[0]!.isHost).toBe(true);
  });

  it('keeps the last MAX_CHAT_HISTORY messages and counts only others’ as unread', () => {
    let st = inCall('a');
    for (let i = 0; i < MAX_CHAT_HISTORY + 5; i++) st = withChat(st, chat(String(i), i % 2 === 0));
    expect(st.chat).toHaveLength(MAX_CHAT_HISTORY);
    expect(st.chat[0]!.id).toBe('5');
    expect(st.unreadChat).toBe(Math.floor((MAX_CHAT_HISTORY + 5) / 2));
  });

  it('applies per-peer patches in one new state', () => {
    const st = inCall('a', 'b');
    expect(withPeerPatches(st, new Map())).toBe(st);
    const next = withPeerPatches(st, new Map([['b', { quality: 'good' as const }]]));
    expect(next.peers.map((p) => p.quality)).toEqual(['unknown', 'good']);
    expect(next.peers[0]).toBe(st.peers[0]);
  });

  describe('levels', () => {
    it('a level change too small to see changes nothing (same state: nobody re-renders)', () => {
      const st = inCall('a');
      expect(withLevels(st, new Map([['a', LEVEL_EPSILON / 2], [ME, 0]]), null)).toBe(st);
    });

    it('only the participants whose level moved get new objects', () => {
      const st = inCall('a', 'b');
      const next = withLevels(st, new Map([['a', 0.5], ['b', 0], [ME, 0]]), 'a');
      expect(next.peers[0]!.audioLevel).toBe(0.5);
      expect(next.peers[1]).toBe(st.peers[1]);
      expect(next.local).toBe(st.local);
      expect(next.activeSpeakerId).toBe('a');
    });

    it('our own level moves our tile only', () => {
      const st = inCall('a');
      const next = withLevels(st, new Map([[ME, 0.4]]), ME);
      expect(next.local.audioLevel).toBe(0.4);
      expect(next.peers).toBe(st.peers);
    });

    it('a new speaker alone is a change', () => {
      const st = inCall('a');
      expect(withLevels(st, new Map(), 'a').activeSpeakerId).toBe('a');
    });
  });

  it('after the call nothing of it remains but the person’s own settings', () => {
    let st = withChat(withHost(inCall('a'), ME), chat('x'));
    st = { ...st, local: { ...st.local, muted: true, audioLevel: 0.3 }, warning: { code: 'turn_auth' } };
    const after = afterCall(st);
    expect(after).toMatchObject({ peers: [], chat: [], unreadChat: 0, transfers: [], warning: null, lobby: [] });
    expect(after.local).toMatchObject({ peerId: null, isHost: false, muted: true, audioLevel: 0 });
  });

  it('a rejoin forgets everyone, including who was host', () => {
    const st = withoutEveryone(withHost(inCall('a'), 'a'));
    expect(st).toMatchObject({ peers: [], hostId: null, local: { peerId: null, isHost: false } });
  });
});
