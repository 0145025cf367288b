import { describe, expect, it } from 'vitest';
import { deriveSdpMacKey, fingerprintLines, signDescription, verifyDescription } from './sdp-mac.js';

const sdp = (fp: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\n`;
const A = '00000000000000aa';
const B = '00000000000000bb';

async function key(): Promise<CryptoKey> {
  const e2e = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
  return deriveSdpMacKey(e2e);
}

describe('SDP MAC', () => {
  it('verifies for the right sender, receiver and fingerprint', async () => {
    const k = await key();
    const mac = await signDescription(k, A, B, 'offer', sdp('AA:BB'));
    expect(await verifyDescription(k, A, B, 'offer', sdp('AA:BB'), mac)).toBe(true);
  });
  it('fails when the server swaps the fingerprint, the parties, the type or the key', async () => {
    const k = await key();
    const mac = await signDescription(k, A, B, 'offer', sdp('AA:BB'));
    expect(await verifyDescription(k, A, B, 'offer', sdp('AA:BC'), mac)).toBe(false);
    expect(await verifyDescription(k, B, A, 'offer', sdp('AA:BB'), mac)).toBe(false);
    expect(await verifyDescription(k, A, B, 'answer', sdp('AA:BB'), mac)).toBe(false);
    expect(await verifyDescription(await key(), A, B, 'offer', sdp('AA:BB'), mac)).toBe(false);
    expect(await verifyDescription(k, A, B, 'offer', sdp('AA:BB'), 'not base64!')).toBe(false);
  });
  it('refuses an SDP without fingerprints', async () => {
    const k = await key();
    const plain = 'v=0\r\nm=audio 9 RTP/AVP 0\r\n';
    const mac = await signDescription(k, A, B, 'offer', plain);
    expect(await verifyDescription(k, A, B, 'offer', plain, mac)).toBe(false);
  });
  it('normalises fingerprint lines', () => {
    expect(fingerprintLines('a=fingerprint:SHA-256 ab:cd\na=fingerprint:sha-1 00\r\n')).toEqual(['sha-1 00', 'sha-256 AB:CD']);
  });
});
