import { describe, expect, it } from 'vitest';
import type { Participant } from '../engine/call-state.js';
import { FileRefused } from '../engine/call-engine.js';
import { ERROR_TEXT, departureText, errorText, fileRefusedText, handText, reconnectingTo, recordingText } from './messages.js';

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

describe('errorText', () => {
  it('gives the UI contract’s sentence for each code', () => {
    expect(errorText({ code: 'wrong_key' })).toBe('Wrong meeting ID or password.');
    expect(errorText({ code: 'turn_auth' })).toMatch(/^The relay server \(TURN\) refused our credentials/);
    expect(errorText(null)).toBeNull();
  });

  it('says when to try again if the server said so', () => {
    expect(errorText({ code: 'rate_limited', retryAfterMs: 4_200 })).toBe('Too many attempts. Try again in 5 seconds.');
    expect(errorText({ code: 'rate_limited', retryAfterMs: 900 })).toBe('Too many attempts. Try again in 1 second.');
    expect(errorText({ code: 'rate_limited' })).toBe(ERROR_TEXT['rate_limited']);
  });

  it('names the person a share did not reach', () => {
    expect(errorText({ code: 'screen_not_sent', peerName: 'Bob' })).toBe('Your screen could not be shared with Bob; the others see it.');
  });

  it('has a plain fallback for a code it does not know', () => {
    expect(errorText({ code: 'something_new' })).toBe('Something went wrong. Please try again.');
  });

  it('has words for every code the engine produces itself', () => {
    for (const code of ['unreachable', 'timeout', 'disconnected', 'not_connected', 'replaced', 'internal', 'turn_auth', 'no_relay', 'session_expired', 'host_refused'])
      expect(ERROR_TEXT[code], code).toBeTruthy();
  });
});

describe('recording indicator text', () => {
  it('names who records, you first', () => {
    expect(recordingText([], false)).toBe('');
    expect(recordingText(['Ada'], false)).toBe('Recording: Ada is recording this meeting.');
    expect(recordingText([], true)).toBe('Recording: You are recording this meeting.');
    expect(recordingText(['Ada', 'Bob'], true)).toBe('Recording: You, Ada and Bob are recording this meeting.');
  });
});

describe('handText (the queue of raised hands)', () => {
  it('gives each raised hand its place in plain English', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 50].map(handText)).toEqual([
      'hand raised (1st)',
      'hand raised (2nd)',
      'hand raised (3rd)',
      'hand raised (4th)',
      'hand raised (11th)',
      'hand raised (12th)',
      'hand raised (13th)',
      'hand raised (21st)',
      'hand raised (22nd)',
      'hand raised (50th)',
    ]);
    expect(handText(null)).toBe('hand raised');
  });
});

describe('fileRefusedText', () => {
  it('says why a file was not offered, before anything is sent', () => {
    expect(fileRefusedText(new FileRefused('nobody_to_send_to'))).toBe('There is nobody in the meeting to send a file to yet.');
    expect(fileRefusedText(new FileRefused('file_too_large_for_large_meeting'))).toBe(
      'In a meeting this large, files go through the meeting server, so each can be at most 100 MB. Nothing was sent.',
    );
  });
});
