/**
 * Trust for signaling servers with self-signed certificates, like SSH's
 * known_hosts: the first time a host presents a certificate the system does
 * not trust, the connection is refused and the person is shown the SHA-256
 * fingerprint to confirm (out of band, e.g. against what the server printed
 * at start). Once confirmed, the host is pinned to that fingerprint. From
 * then on only that certificate is accepted for the host, whatever the
 * system's CAs say, and a different one is refused loudly, never re-prompted.
 *
 * Hosts without a pin whose certificate the system trusts (a public CA) are
 * left to Chromium's normal verification.
 *
 * Wired to `session.setCertificateVerifyProc` in index.ts; plain code here.
 */
import { X509Certificate } from 'node:crypto';

/** setCertificateVerifyProc's answers. */
export const VERIFY_ACCEPT = 0;
export const VERIFY_REJECT = -2;
export const VERIFY_USE_CHROMIUM = -3;

export interface PinStore {
  getPin(host: string): string | null;
  setPin(host: string, fingerprint: string): void;
}

/** The parts of Electron's certificate verify request used here. */
export interface VerifyRequest {
  readonly hostname: string;
  /** Chromium's own verdict: 0 when the system trusts the certificate. */
  readonly errorCode: number;
  readonly certificate: { readonly data: string };
}

export type PinEvent =
  | { kind: 'first-contact'; host: string; fingerprint: string }
  | { kind: 'changed'; host: string; expected: string; presented: string };

/** `AB:CD:…` SHA-256 of a PEM certificate (the format the server prints at start). */
export function fingerprintOfPem(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** Pins are per hostname (lowercase): the verify proc is not told the port. */
export function pinKey(hostname: string): string {
  return hostname.toLowerCase();
}

export interface CertificateGate {
  /** The setCertificateVerifyProc decision for one TLS connection. */
  verify(request: VerifyRequest): number;
  /**
   * The person's answer to a first-contact prompt. Only a prompt that is
   * pending, for exactly this host and fingerprint, can be answered: the
   * window cannot pin an arbitrary certificate.
   */
  decide(host: string, fingerprint: string, trust: boolean): void;
  /** Pins without asking: for the server this app started itself ("host on this computer"). */
  pinOwn(host: string, fingerprint: string): void;
}

export class NoPendingPromptError extends Error {
  constructor() {
    super('no certificate prompt is pending for this host and fingerprint');
    this.name = 'NoPendingPromptError';
  }
}

export function createCertificateGate(pins: PinStore, onEvent: (event: PinEvent) => void): CertificateGate {
  /** host → fingerprint awaiting the person's answer. */
  const pending = new Map<string, string>();
  /** Last loud warning per host+fingerprint, so a reconnect loop does not flood the window. */
  const warned = new Set<string>();

  return {
    verify(request) {
      const host = pinKey(request.hostname);
      let presented: string;
      try {
        presented = fingerprintOfPem(request.certificate.data);
      } catch {
        return VERIFY_REJECT;
      }
      const pinned = pins.getPin(host);
      if (pinned !== null) {
        if (pinned === presented) return VERIFY_ACCEPT;
        const key = `${host} ${presented}`;
        if (!warned.has(key)) {
          warned.add(key);
          onEvent({ kind: 'changed', host, expected: pinned, presented });
        }
        return VERIFY_REJECT;
      }
      if (request.errorCode === 0) return VERIFY_USE_CHROMIUM;
      if (pending.get(host) !== presented) {
        pending.set(host, presented);
        onEvent({ kind: 'first-contact', host, fingerprint: presented });
      }
      return VERIFY_REJECT;
    },
    decide(host, fingerprint, trust) {
      const key = pinKey(host);
      if (pending.get(key) !== fingerprint) throw new NoPendingPromptError();
      pending.delete(key);
      if (trust) pins.setPin(key, fingerprint);
    },
    pinOwn(host, fingerprint) {
      pins.setPin(pinKey(host), fingerprint);
    },
  };
}
