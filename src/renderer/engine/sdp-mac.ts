/**
 * Authenticating what two peers tell each other through the signaling server
 * (DESIGN.md, security model §3). The server carries every offer and answer,
 * so it could swap the DTLS fingerprints and sit in the middle, replay an old
 * description, or claim a message came from someone else. Every `hello` and
 * every description therefore carries an HMAC-SHA256 under a key derived from
 * the meeting's end-to-end key, which the server cannot derive, over:
 *
 *   - the meeting id, the sender and the receiver (no re-addressing, no
 *     moving a description into another meeting);
 *   - the description's type and its whole SDP: its `a=fingerprint` lines
 *     bind the DTLS handshake, and so SRTP keys and data channels, to the
 *     peer who holds the certificate; the rest says which stream each media
 *     section belongs to (`a=msid`, `a=mid`, `a=ssrc`), which the receiver
 *     relies on to tell a shared screen from a camera;
 *   - the sender's claim of which of its streams is a shared screen (its
 *     `a=msid` stream id, or none), so the server cannot pass a camera off as
 *     a screen or hide that a screen is shared;
 *   - freshness: the sender's link nonce, the receiver's link nonce, and a
 *     sequence number. Each end of a link picks a random nonce when the link
 *     is made and announces it in a signed `hello`; a description must name
 *     the receiver's *current* nonce and a sequence number above the last one
 *     accepted, so nothing recorded earlier can be played back.
 *
 * ICE candidates are not covered: a forged candidate can at worst stop a
 * connection, never read it (DTLS still checks the fingerprint).
 */
import { decodeBase64Url, encodeBase64Url } from '../../common/crypto/base64url.js';
import { deriveSubKey } from '../../common/crypto/meeting-keys.js';

export const SDP_MAC_PURPOSE = 'sdp-mac';
/** Bytes of a link nonce. */
const NONCE_BYTES = 16;

export function deriveSdpMacKey(e2eKey: CryptoKey): Promise<CryptoKey> {
  return deriveSubKey(e2eKey, SDP_MAC_PURPOSE, 'HMAC');
}

export function newLinkNonce(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
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

/** Who says what to whom: the part of every MAC input that names the parties. */
export interface SignalParties {
  meetingId: string;
  from: string;
  to: string;
}

export interface DescriptionClaim {
  type: string;
  sdp: string;
  /**
   * The stream id (`a=msid`) the sender's screen goes under on this link; null
   * before it first shared. Whether it shares now, the SDP says (its screen
   * sections send, or are inactive).
   */
  screen: string | null;
  /** The sender's link nonce. */
  nonce: string;
  /** The receiver's link nonce, as the sender knows it. */
  peerNonce: string;
  seq: number;
}

const encode = (fields: (string | number)[]) => new TextEncoder().encode(fields.join('\n'));

function descriptionInput(p: SignalParties, d: DescriptionClaim): Uint8Array<ArrayBuffer> {
  // The SDP goes last: it is the only field that may hold a newline, so the fields cannot be shifted into each other.
  return encode(['merimeet/v3/sdp', p.meetingId, p.from, p.to, d.type, d.nonce, d.peerNonce, d.seq, d.screen ?? '', d.sdp]);
}

function helloInput(p: SignalParties, nonce: string): Uint8Array<ArrayBuffer> {
  return encode(['merimeet/v2/hello', p.meetingId, p.from, p.to, nonce]);
}

async function sign(key: CryptoKey, input: Uint8Array<ArrayBuffer>): Promise<string> {
  return encodeBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, input)));
}

/** Constant-time (WebCrypto verify); false for a MAC that is not even base64url. */
async function verify(key: CryptoKey, input: Uint8Array<ArrayBuffer>, mac: string): Promise<boolean> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = decodeBase64Url(mac);
  } catch {
    return false;
  }
  return crypto.subtle.verify('HMAC', key, bytes, input);
}

export const signDescription = (key: CryptoKey, p: SignalParties, d: DescriptionClaim) => sign(key, descriptionInput(p, d));

/** True only if `mac` covers exactly these parties, this description, these nonces and this sequence number. */
export async function verifyDescription(key: CryptoKey, p: SignalParties, d: DescriptionClaim, mac: string): Promise<boolean> {
  // An SDP with no fingerprint would mean no DTLS: refuse, whatever the MAC says.
  if (fingerprintLines(d.sdp).length === 0) return false;
  return verify(key, descriptionInput(p, d), mac);
}

export const signHello = (key: CryptoKey, p: SignalParties, nonce: string) => sign(key, helloInput(p, nonce));
export const verifyHello = (key: CryptoKey, p: SignalParties, nonce: string, mac: string) => verify(key, helloInput(p, nonce), mac);

/** What one end of a link remembers to judge a description's freshness. */
export interface FreshnessState {
  localNonce: string;
  /** From the peer's hello; null until it arrived. */
  remoteNonce: string | null;
  /** Highest sequence number accepted from the peer (0: none yet). */
  lastSeq: number;
}

export type Staleness =
  /** Addressed to an earlier link of ours (recorded and played back, or very late). */
  | 'not_for_this_link'
  /** From an earlier link of the sender's, or before its hello. */
  | 'unknown_sender_link'
  /** Same link, but not newer than what we already accepted: replayed or reordered. */
  | 'replayed';

/** Null when a (MAC-verified) description is fresh; otherwise why it must be refused. */
export function staleness(state: FreshnessState, d: Pick<DescriptionClaim, 'nonce' | 'peerNonce' | 'seq'>): Staleness | null {
  if (d.peerNonce !== state.localNonce) return 'not_for_this_link';
  if (state.remoteNonce === null || d.nonce !== state.remoteNonce) return 'unknown_sender_link';
  if (!(d.seq > state.lastSeq)) return 'replayed';
  return null;
}
