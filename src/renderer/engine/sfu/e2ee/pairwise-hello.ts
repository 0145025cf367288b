/**
 * The MAC on a key-exchange hello (key-signals.ts), as sdp-mac.ts does for
 * the mesh: HMAC-SHA256 under the `sfu-key-hello` sub-key of the meeting's
 * e2eKey, which neither server can derive, over the meeting, the sender, the
 * recipient, the sender's public key and the recipient's public key as the
 * sender knows it. Swapping a key, moving a hello to another pair or
 * meeting, or changing the echo breaks the MAC.
 *
 * Freshness: each public key is ephemeral (one per session). A hello that
 * echoes a public key we are not using now was recorded in an earlier
 * session and is refused as replayed; a pair is only trusted once the
 * other end has echoed our current key (pairwise-channel.ts).
 */
import { decodeBase64Url, encodeBase64Url } from '../../../../common/crypto/base64url.js';
import { deriveSubKey } from '../../../../common/crypto/meeting-keys.js';

export const KEY_HELLO_PURPOSE = 'sfu-key-hello';

export interface HelloClaim {
  meetingId: string;
  from: string;
  to: string;
  pub: string;
  echo: string;
}

export const deriveHelloMacKey = (e2eKey: CryptoKey) => deriveSubKey(e2eKey, KEY_HELLO_PURPOSE, 'HMAC');

function input(c: HelloClaim): Uint8Array<ArrayBuffer> {
  // base64url and '' never hold a newline; ids are the server's, and the sender signs with its own.
  return new TextEncoder().encode(['merimeet/v1/sfu-key-hello', c.meetingId, c.from, c.to, c.pub, c.echo].join('\n'));
}

export async function signHello(key: CryptoKey, claim: HelloClaim): Promise<string> {
  return encodeBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, input(claim))));
}

/** Constant-time (WebCrypto verify). */
export async function verifyHello(key: CryptoKey, claim: HelloClaim, mac: string): Promise<boolean> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = decodeBase64Url(mac);
  } catch {
    return false; // not canonical base64url: no MAC we made
  }
  return crypto.subtle.verify('HMAC', key, bytes, input(claim));
}
