import { describe, expect, it } from 'vitest';
import type { CallState, ChatMessage, Participant } from '../engine/call-state.js';
import { callNotifications, trayCallState } from './desktop-sync.js';

const base: CallState = {
  phase: 'in-call',
  meetingId: 'abc-defg-hjk',
  error: null,
  endReason: null,
  local: {
    peerId: 'aaaaaaaaaaaaaaaa',
    displayName: 'Me',
    muted: true,
    videoOff: false,
    handRaised: false,
    isHost: false,
    stream: null,
    screen: null,
    connection: 'connected',
    quality: 'good',
    audioLevel: 0,
    stats: null,
    verification: 'verified',
    safetyCode: null,
    securityProblem: null,
  },
  peers: [],
  hostId: null,
  locked: false,
  lobby: [],
  chat: [],
  unreadChat: 0,
  transfers: [],
  activeSpeakerId: null,
  muteRequestedBy: null,
  offline: false,
  warning: null,
  lastDeparture: null,
};
const peer = (peerId: string, displayName: string): Participant => ({ ...base.local, peerId, displayName });
const msg = (id: string, text: string, mine = false): ChatMessage => ({ id, fromPeerId: 'b', fromName: 'Ada', text, sentAt: 0, mine });

describe('desktop sync', () => {
  it('tells the tray whether a call is on, and its mic and camera state', () => {
    expect(trayCallState(base)).toEqual({ inCall: true, muted: true, cameraOff: false, meetingId: 'abc-defg-hjk' });
    for (const phase of ['ended', 'failed', 'idle'] as const) {
      expect(trayCallState({ ...base, phase }).inCall).toBe(false);
    }
    expect(trayCallState(null).inCall).toBe(false);
    expect(trayCallState({ ...base, phase: 'lobby' }).inCall).toBe(true);
  });

  it('notifies about people who joined and messages from others, once each', () => {
    const after = { ...base, peers: [peer('b', 'Ada')], chat: [msg('1', 'hello'), msg('2', 'mine', true)] };
    expect(callNotifications(base, after)).toEqual([
      { kind: 'joined', title: 'Ada joined', body: 'meriMeet' },
      { kind: 'message', title: 'Ada', body: 'hello' },
    ]);
    expect(callNotifications(after, after)).toEqual([]);
  });

  it('cuts long messages', () => {
    const [n] = callNotifications(base, { ...base, chat: [msg('1', 'x'.repeat(500))] });
    expect(n?.body).toHaveLength(140);
  });
});
