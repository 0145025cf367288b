/**
 * The safety code of a pair of participants (DESIGN.md, security model §3):
 * a few digit groups derived from the two DTLS certificate fingerprints the
 * connection actually used, so two people can compare it aloud.
 *
 * Each side hashes {its own certificate, the certificate the other end
 * presented in the DTLS handshake}, sorted, so an honest pair gets the same
 * code on both screens. A man in the middle terminates DTLS separately with
 * each of them, with certificates of his own: Ada then hashes {Ada, Mallory₁}
 * and Bob {Bob, Mallory₂}, and the codes differ. Matching them by chance
 * takes on the order of 10^16 attempts (16 decimal digits ≈ 53 bits).
 *
 * Complements the SDP MAC (sdp-mac.ts): that one stops a server that does not
 * know the meeting password; the code also catches an insider who does.
 */

/** `sha-256 AB:CD:…` as both ends spell it (algorithm lower-case, hex upper-case). */
export interface CertificateFingerprint {
  algorithm: string;
  value: string;
}

const GROUPS = 4;
const DIGITS_PER_GROUP = 4;

function normalise(fp: CertificateFingerprint): string {
  return `${fp.algorithm.toLowerCase()} ${fp.value.toUpperCase()}`;
}

/** "1234 5678 9012 3456" for this pair of certificates (order does not matter). */
export async function safetyCode(local: CertificateFingerprint, remote: CertificateFingerprint): Promise<string> {
  const input = ['merimeet/v1/safety-code', ...[normalise(local), normalise(remote)].sort()].join('\n');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(input)));
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    // 5 bytes (40 bits) per group, reduced mod 10^4: the bias is below 10^-8.
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + digest[g * 5 + i]!;
    groups.push(String(n % 10 ** DIGITS_PER_GROUP).padStart(DIGITS_PER_GROUP, '0'));
  }
  return groups.join(' ');
}

type StatsLike = { type?: string; id?: string } & Record<string, unknown>;

/**
 * The local and remote certificate fingerprints of the connected DTLS
 * transport in a getStats() report, or null while there is none.
 */
export function certificatesOf(report: Iterable<StatsLike>): { local: CertificateFingerprint; remote: CertificateFingerprint } | null {
  const byId = new Map<string, StatsLike>();
  const transports: StatsLike[] = [];
  for (const r of report) {
    if (typeof r.id === 'string') byId.set(r.id, r);
    if (r.type === 'transport') transports.push(r);
  }
  for (const t of transports) {
    if (t.dtlsState !== 'connected') continue;
    const local = byId.get(String(t.localCertificateId));
    const remote = byId.get(String(t.remoteCertificateId));
    const fp = (c: StatsLike | undefined): CertificateFingerprint | null =>
      c && typeof c.fingerprint === 'string' && typeof c.fingerprintAlgorithm === 'string'
        ? { algorithm: c.fingerprintAlgorithm, value: c.fingerprint }
        : null;
    const l = fp(local);
    const r = fp(remote);
    if (l && r) return { local: l, remote: r };
  }
  return null;
}

/** The first `a=fingerprint:` of an SDP (with bundling, every section carries the same certificate). */
export function sdpFingerprint(sdp: string): CertificateFingerprint | null {
  const m = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  return m ? { algorithm: m[1]!, value: m[2]! } : null;
}

/**
 * The same pair from the negotiated descriptions, for when getStats has no
 * certificate entries: Chromium caches certificate stats per transport, and a
 * poll that lands before the DTLS handshake ends can leave the remote one out
 * for the rest of the call (seen once in six suite runs: no safety code at
 * all). Only valid once DTLS is connected: the browser then has checked the
 * certificate the peer presented against the remote fingerprint, which the
 * SDP MAC had authenticated, so it is the certificate the connection used.
 */
export function descriptionFingerprints(localSdp: string, remoteSdp: string): { local: CertificateFingerprint; remote: CertificateFingerprint } | null {
  const local = sdpFingerprint(localSdp);
  const remote = sdpFingerprint(remoteSdp);
  return local && remote ? { local, remote } : null;
}
