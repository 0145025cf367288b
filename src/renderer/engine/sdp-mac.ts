/**
 * The SDP MAC (DESIGN.md, security model §3): the signaling server carries
 * every offer and answer, so it could swap the DTLS fingerprints and sit in
 * the middle. Each description therefore carries an HMAC-SHA256, under a key
 * derived from the meeting's end-to-end key, over the sender, the receiver,
 * the description type and its `a=fingerprint` lines. A server without the
 * meeting password cannot produce one; a peer refuses a description whose MAC
 * does not verify.
 *
 * Only the fingerprints are covered, not the whole SDP: they are what binds
 * the DTLS handshake (and so SRTP keys and data channels) to the peer. ICE
 * candidates are not covered; a forged candidate can at worst stop the
 * connection, never read it.
 */
import { decodeBase64Url, encodeBase64Url } from '../../common/crypto/base64url.js';
import { deriveSubKey } from '../../common/crypto/meeting-keys.js';

export const SDP_MAC_PURPOSE = 'sdp-mac';

export function deriveSdpMacKey(e2eKey: CryptoKey): Promise<CryptoKey> {
  return deriveSubKey(e2eKey, SDP_MAC_PURPOSE, 'HMAC');
}

/** The `a=fingerprint:` lines, normalised (trimmed, lower-case hash name, sorted) so both ends agree. */
export function fingerprintLines(sdp: string): string[] {
  return sdp
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('a=fingerprint:'))
    .map((l) => {
      const [algo = '', value = ''] = l.slice('a=fingerprint:'.length).split(/\s+/);
      return `${algo.toLowerCase()} ${value.toUpperCase()}`;
    })
    .sort();
}

function macInput(from: string, to: string, type: string, sdp: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(['merimeet/v1/sdp', from, to, type, ...fingerprintLines(sdp)].join('\n'));
}

export async function signDescription(key: CryptoKey, from: string, to: string, type: string, sdp: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, macInput(from, to, type, sdp));
  return encodeBase64Url(new Uint8Array(mac));
}

/** True only if `mac` is the MAC for exactly this sender, receiver and description. Constant-time (WebCrypto verify). */
export async function verifyDescription(key: CryptoKey, from: string, to: string, type: string, sdp: string, mac: string): Promise<boolean> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = decodeBase64Url(mac);
  } catch {
    return false;
  }
  // An SDP with media but no fingerprint would mean no DTLS: refuse, whatever the MAC says.
  if (fingerprintLines(sdp).length === 0) return false;
  return crypto.subtle.verify('HMAC', key, bytes, macInput(from, to, type, sdp));
}
