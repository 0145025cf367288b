import { describe, expect, it } from 'vitest';
import { certificatesOf, descriptionFingerprints, safetyCode, sdpFingerprint } from './safety-code.js';

const cert = (n: number) => ({ algorithm: 'sha-256', value: Array.from({ length: 32 }, (_, i) => ((i * 7 + n) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':') });
const [ada, bob, mallory1, mallory2] = [cert(1), cert(2), cert(3), cert(4)];

describe('safety code', () => {
  it('is the same on both ends of an honest connection', async () => {
    expect(await safetyCode(ada, bob)).toBe(await safetyCode(bob, ada));
  });

  it('differs on the two ends when a man in the middle holds certificates of his own', async () => {
    const adaSees = await safetyCode(ada, mallory1); // Ada's DTLS peer is really Mallory
    const bobSees = await safetyCode(bob, mallory2);
    expect(adaSees).not.toBe(bobSees);
    // …even if he presents one certificate to both.
    expect(await safetyCode(ada, mallory1)).not.toBe(await safetyCode(bob, mallory1));
  });

  it('is four groups of four digits', async () => {
    expect(await safetyCode(ada, bob)).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
  });

  it('does not depend on how the fingerprint is spelled', async () => {
    const lower = { algorithm: 'SHA-256', value: bob.value.toLowerCase() };
    expect(await safetyCode(ada, lower)).toBe(await safetyCode(ada, bob));
  });
});

describe('certificates from getStats', () => {
  const report = [
    { type: 'transport', id: 'T0', dtlsState: 'connected', localCertificateId: 'CL', remoteCertificateId: 'CR' },
    { type: 'certificate', id: 'CL', fingerprint: ada.value, fingerprintAlgorithm: 'sha-256' },
    { type: 'certificate', id: 'CR', fingerprint: bob.value, fingerprintAlgorithm: 'sha-256' },
  ];
  it('finds the connected transport’s local and remote certificates', () => {
    expect(certificatesOf(report)).toEqual({ local: ada, remote: bob });
  });
  it('says nothing before DTLS is connected', () => {
    expect(certificatesOf([{ ...report[0]!, dtlsState: 'connecting' }, report[1]!, report[2]!])).toBeNull();
    expect(certificatesOf([report[0]!, report[1]!])).toBeNull();
  });
});

describe('certificates from the negotiated descriptions (when getStats has none)', () => {
  const sdp = (fp: { algorithm: string; value: string }) =>
    `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:${fp.algorithm} ${fp.value}\r\na=setup:actpass\r\n`;

  it('reads the fingerprint line of an SDP', () => {
    expect(sdpFingerprint(sdp(ada))).toEqual(ada);
    expect(sdpFingerprint('v=0\r\ns=-\r\n')).toBeNull();
  });

  it('gives the code getStats would: one side from stats and the other from descriptions agree', async () => {
    const fromDescriptions = descriptionFingerprints(sdp(bob), sdp(ada))!;
    expect(fromDescriptions).toEqual({ local: bob, remote: ada });
    expect(await safetyCode(fromDescriptions.local, fromDescriptions.remote)).toBe(await safetyCode(ada, bob));
  });

  it('is null while either description lacks a fingerprint', () => {
    expect(descriptionFingerprints(sdp(ada), 'v=0\r\n')).toBeNull();
  });
});
