import { describe, expect, it } from 'vitest';
import { decodeClientMessage, decodeServerMessage } from './codec.js';
import { MAX_SIGNAL_DEPTH } from './fields.js';

describe('decodeClientMessage', () => {
  it('accepts a valid message and returns it typed', () => {
    const r = decodeClientMessage(JSON.stringify({ type: 'ping', rid: 7 }));
    expect(r).toEqual({ ok: true, message: { type: 'ping', rid: 7 } });
  });

  it('says bad_json for text that is not JSON', () => {
    expect(decodeClientMessage('{nope')).toMatchObject({ ok: false, code: 'bad_json' });
  });

  it('says bad_message for an unknown type, and echoes the rid', () => {
    expect(decodeClientMessage(JSON.stringify({ type: 'nuke', rid: 3 }))).toMatchObject({ ok: false, code: 'bad_message', rid: 3 });
  });

  it('names the offending field but never echoes its value', () => {
    const secret = 'hunter2-hunter2-hunter2';
    const r = decodeClientMessage(JSON.stringify({ type: 'room.join', meetingId: 'abc-defg-hjk', admissionKey: secret, displayName: 'x' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('bad_message');
    expect(r.detail).toContain('admissionKey');
    expect(r.detail).not.toContain(secret);
  });

  it('refuses fields the protocol does not define', () => {
    const r = decodeClientMessage(JSON.stringify({ type: 'ping', extra: 1 }));
    expect(r).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it('refuses display names with control or bidi-override characters', () => {
    for (const name of ['a\u0000b', 'evil\u202Etxt.exe', '\n']) {
      const r = decodeClientMessage(
        JSON.stringify({ type: 'presence.update', displayName: name }),
      );
      expect(r, JSON.stringify(name)).toMatchObject({ ok: false, code: 'bad_message' });
    }
  });

  it('refuses signal data nested deeper than MAX_SIGNAL_DEPTH (it could not be relayed)', () => {
    const nested = (n: number) => `{"type":"signal","to":"0123456789abcdef","data":{"d":${'['.repeat(n)}${']'.repeat(n)}}}`;
    expect(decodeClientMessage(nested(MAX_SIGNAL_DEPTH - 1))).toMatchObject({ ok: true });
    expect(decodeClientMessage(nested(MAX_SIGNAL_DEPTH))).toMatchObject({ ok: false, code: 'bad_message' });
    expect(decodeClientMessage(nested(100_000))).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it('takes the mid of a screen in sfu.publish, and refuses an empty or overlong one', () => {
    const jsep = { type: 'offer', sdp: 'v=0\r\n' };
    expect(decodeClientMessage(JSON.stringify({ type: 'sfu.publish', jsep, screen: '2' }))).toMatchObject({ ok: true, message: { screen: '2' } });
    expect(decodeClientMessage(JSON.stringify({ type: 'sfu.publish', jsep }))).toMatchObject({ ok: true });
    for (const screen of ['', 'm'.repeat(33), 2]) {
      expect(decodeClientMessage(JSON.stringify({ type: 'sfu.publish', jsep, screen })), JSON.stringify(screen)).toMatchObject({ ok: false, code: 'bad_message' });
    }
  });

  it('trims display names', () => {
    const r = decodeClientMessage(JSON.stringify({ type: 'presence.update', displayName: '  Ada  ' }));
    expect(r).toMatchObject({ ok: true, message: { displayName: 'Ada' } });
  });
});

describe('decodeServerMessage', () => {
  it('ignores fields it does not know, so servers can add information', () => {
    const r = decodeServerMessage(JSON.stringify({ type: 'pong', time: 1, newField: true }));
    expect(r).toMatchObject({ ok: true, message: { type: 'pong', time: 1 } });
  });

  it('reads which SFU stream is a screen, and who shares one', () => {
    const peerId = '0123456789abcdef';
    const offer = { type: 'sfu.offer', jsep: { type: 'offer', sdp: 'v=0' }, streams: [{ mid: '3', peerId, kind: 'video', screen: true }] };
    expect(decodeServerMessage(JSON.stringify(offer))).toMatchObject({ ok: true, message: { streams: [{ mid: '3', screen: true }] } });
    expect(decodeServerMessage(JSON.stringify({ ...offer, streams: [{ mid: '3', peerId, kind: 'video', screen: 'yes' }] }))).toMatchObject({ ok: false });
    expect(decodeServerMessage(JSON.stringify({ type: 'sfu.feeds', feeds: [peerId], screens: [peerId] }))).toMatchObject({ ok: true, message: { screens: [peerId] } });
    expect(decodeServerMessage(JSON.stringify({ type: 'sfu.feeds', feeds: [peerId], screens: ['me'] }))).toMatchObject({ ok: false });
  });

  it('refuses a signal without a valid sender', () => {
    expect(decodeServerMessage(JSON.stringify({ type: 'signal', from: 'me', data: {} }))).toMatchObject({ ok: false });
  });
});
