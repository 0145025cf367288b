import { describe, expect, it } from 'vitest';
import {
  deriveSdpMacKey,
  fingerprintLines,
  newLinkNonce,
  signDescription,
  signHello,
  staleness,
  verifyDescription,
  verifyHello,
  type DescriptionClaim,
  type SignalParties,
} from './sdp-mac.js';

const sdp = (fp: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\n`;
const A = '00000000000000aa';
const B = '00000000000000bb';
const C = '00000000000000cc';
const AB: SignalParties = { meetingId: 'abc-defg-hjk', from: A, to: B };

async function key(): Promise<CryptoKey> {
  const e2e = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
  return deriveSdpMacKey(e2e);
}

const offer = (over: Partial<DescriptionClaim> = {}): DescriptionClaim => ({ type: 'offer', sdp: sdp('AA:BB'), nonce: 'nA', peerNonce: 'nB', seq: 1, screen: null, ...over });

/** Two media sections: a camera stream and a shared screen, each with its own msid. */
const twoStreams = (camera: string, screen: string) =>
  `${sdp('AA:BB')}m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=msid:${camera} t1\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=msid:${screen} t2\r\n`;

describe('description MAC', () => {
  it('verifies for exactly the meeting, parties, fingerprints, nonces and sequence number it was made for', async () => {
    const k = await key();
    const mac = await signDescription(k, AB, offer());
    expect(await verifyDescription(k, AB, offer(), mac)).toBe(true);
  });

  it('fails when the server swaps a fingerprint, re-addresses it, moves it to another meeting or changes the type', async () => {
    const k = await key();
    const mac = await signDescription(k, AB, offer());
    expect(await verifyDescription(k, AB, offer({ sdp: sdp('AA:BC') }), mac)).toBe(false);
    expect(await verifyDescription(k, { ...AB, from: C }, offer(), mac)).toBe(false); // forged `from`
    expect(await verifyDescription(k, { ...AB, to: C }, offer(), mac)).toBe(false);
    expect(await verifyDescription(k, { ...AB, meetingId: 'xyz-defg-hjk' }, offer(), mac)).toBe(false);
    expect(await verifyDescription(k, AB, offer({ type: 'answer' }), mac)).toBe(false);
  });

  it('fails when the server relabels streams or the screen claim (a camera passed off as a screen, a share hidden)', async () => {
    const k = await key();
    const claim = offer({ sdp: twoStreams('cam', 'scr'), screen: 'scr' });
    const mac = await signDescription(k, AB, claim);
    expect(await verifyDescription(k, AB, claim, mac)).toBe(true);
    expect(await verifyDescription(k, AB, { ...claim, sdp: twoStreams('scr', 'cam') }, mac)).toBe(false); // msids swapped
    expect(await verifyDescription(k, AB, { ...claim, screen: 'cam' }, mac)).toBe(false);
    expect(await verifyDescription(k, AB, { ...claim, screen: null }, mac)).toBe(false);
    const none = offer({ sdp: twoStreams('cam', 'scr') });
    expect(await verifyDescription(k, AB, { ...none, screen: 'scr' }, await signDescription(k, AB, none))).toBe(false);
  });

  it('fails when nonces or the sequence number are changed (a replay cannot be refreshed)', async () => {
    const k = await key();
    const mac = await signDescription(k, AB, offer());
    expect(await verifyDescription(k, AB, offer({ peerNonce: 'nB2' }), mac)).toBe(false);
    expect(await verifyDescription(k, AB, offer({ nonce: 'nA2' }), mac)).toBe(false);
    expect(await verifyDescription(k, AB, offer({ seq: 2 }), mac)).toBe(false);
  });

  it('fails under another meeting key or with a MAC that is not base64url', async () => {
    const k = await key();
    const mac = await signDescription(k, AB, offer());
    expect(await verifyDescription(await key(), AB, offer(), mac)).toBe(false);
    expect(await verifyDescription(k, AB, offer(), 'not base64!')).toBe(false);
  });

  it('refuses an SDP without fingerprints, whatever the MAC', async () => {
    const k = await key();
    const plain = offer({ sdp: 'v=0\r\nm=audio 9 RTP/AVP 0\r\n' });
    expect(await verifyDescription(k, AB, plain, await signDescription(k, AB, plain))).toBe(false);
  });

  it('normalises fingerprint lines', () => {
    expect(fingerprintLines('a=fingerprint:SHA-256 ab:cd\na=fingerprint:sha-1 00\r\n')).toEqual(['sha-1 00', 'sha-256 AB:CD']);
  });
});

describe('hello MAC', () => {
  it('binds the nonce to the meeting and both parties', async () => {
    const k = await key();
    const mac = await signHello(k, AB, 'nA');
    expect(await verifyHello(k, AB, 'nA', mac)).toBe(true);
    expect(await verifyHello(k, AB, 'nX', mac)).toBe(false);
    expect(await verifyHello(k, { ...AB, from: C }, 'nA', mac)).toBe(false);
    expect(await verifyHello(k, { ...AB, meetingId: 'other' }, 'nA', mac)).toBe(false);
  });
  it('makes fresh 128-bit nonces', () => {
    const nonces = new Set(Array.from({ length: 100 }, newLinkNonce));
    expect(nonces.size).toBe(100);
    expect([...nonces][0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('freshness', () => {
  const state = { localNonce: 'nB', remoteNonce: 'nA', lastSeq: 3 };
  it('accepts the next description of the current links', () => {
    expect(staleness(state, { nonce: 'nA', peerNonce: 'nB', seq: 4 })).toBeNull();
    expect(staleness(state, { nonce: 'nA', peerNonce: 'nB', seq: 9 })).toBeNull(); // gaps are fine (lost on the way)
  });
  it('refuses one addressed to an earlier link of ours', () => {
    expect(staleness(state, { nonce: 'nA', peerNonce: 'nB-old', seq: 4 })).toBe('not_for_this_link');
  });
  it('refuses one from an earlier link of the sender, or before its hello', () => {
    expect(staleness(state, { nonce: 'nA-old', peerNonce: 'nB', seq: 4 })).toBe('unknown_sender_link');
    expect(staleness({ ...state, remoteNonce: null }, { nonce: 'nA', peerNonce: 'nB', seq: 1 })).toBe('unknown_sender_link');
  });
  it('refuses a replayed or reordered one', () => {
    expect(staleness(state, { nonce: 'nA', peerNonce: 'nB', seq: 3 })).toBe('replayed');
    expect(staleness(state, { nonce: 'nA', peerNonce: 'nB', seq: 1 })).toBe('replayed');
  });
});
