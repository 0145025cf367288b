import { describe, expect, it } from 'vitest';
import type { CallState, ChatMessage, Participant } from '../engine/call-state.js';
import { initialState } from '../engine/call-engine.js';
import { callNotifications, trayCallState } from './desktop-sync.js';

// From the engine's own initial state, so a new CallState field never needs adding here.
const idle = initialState();
const base: CallState = {
  ...idle,
  phase: 'in-call',
  meetingId: 'abc-defg-hjk',
  local: { ...idle.local, peerId: 'aaaaaaaaaaaaaaaa', displayName: 'Me', muted: true, connection: 'connected', quality: 'good' },
};
const peer = (peerId: string, displayName: string): Participant => ({ ...base.local, peerId, displayName });
const msg = (id: string, text: string, mine = false): ChatMessage => ({ id, fromPeerId: 'b', fromName: 'Ada', text, sentAt: 0, mine });

describe('desktop sync', () => {
  it('tells the tray whether a call is on, and its mic and camera state', () => {
    expect(trayCallState(base)).toEqual({ inCall: true, muted: true, cameraOff: false, sharing: false, meetingId: 'abc-defg-hjk' });
    const screen = {} as MediaStream;
    expect(trayCallState({ ...base, local: { ...base.local, screen } }).sharing).toBe(true);
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
