import { generate } from 'selfsigned';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateGate,
  fingerprintOfPem,
  NoPendingPromptError,
  VERIFY_ACCEPT,
  VERIFY_REJECT,
  VERIFY_USE_CHROMIUM,
  type PinEvent,
  type PinStore,
} from './cert-pinning.js';

/** Real certificates (the same library the server uses for its first-start certificate). */
let certA: string;
let certB: string;
beforeAll(async () => {
  const make = async (cn: string) =>
    (await generate([{ name: 'commonName', value: cn }], { keySize: 2048, algorithm: 'sha256' })).cert;
  [certA, certB] = await Promise.all([make('meet.example.org'), make('meet.example.org')]);
});

function memoryPins(): PinStore & { all: Map<string, string> } {
  const all = new Map<string, string>();
  return { all, getPin: (h) => all.get(h) ?? null, setPin: (h, f) => void all.set(h, f) };
}

const untrusted = (cert: string, hostname = 'meet.example.org') => ({ hostname, errorCode: -202, certificate: { data: cert } });

describe('certificate pinning', () => {
  it('computes the fingerprint exactly as the server prints it', () => {
    expect(fingerprintOfPem(certA)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fingerprintOfPem(certA)).not.toBe(fingerprintOfPem(certB));
  });

  it('refuses an unknown self-signed certificate and asks once, with its fingerprint (first contact)', () => {
    const events: PinEvent[] = [];
    const gate = createCertificateGate(memoryPins(), (e) => events.push(e));
    expect(gate.verify(untrusted(certA))).toBe(VERIFY_REJECT);
    expect(gate.verify(untrusted(certA))).toBe(VERIFY_REJECT); // a retry does not prompt again
    expect(events).toEqual([{ kind: 'first-contact', host: 'meet.example.org', fingerprint: fingerprintOfPem(certA) }]);
  });

  it('accepts the certificate once the person confirms it, and pins it', () => {
    const pins = memoryPins();
    const gate = createCertificateGate(pins, () => undefined);
    gate.verify(untrusted(certA, 'Meet.Example.org'));
    gate.decide('meet.example.org', fingerprintOfPem(certA), true);
    expect(pins.all.get('meet.example.org')).toBe(fingerprintOfPem(certA));
    expect(gate.verify(untrusted(certA))).toBe(VERIFY_ACCEPT);
  });

  it('pins nothing when the person declines, and asks again next time', () => {
    const pins = memoryPins();
    const events: PinEvent[] = [];
    const gate = createCertificateGate(pins, (e) => events.push(e));
    gate.verify(untrusted(certA));
    gate.decide('meet.example.org', fingerprintOfPem(certA), false);
    expect(pins.all.size).toBe(0);
    expect(gate.verify(untrusted(certA))).toBe(VERIFY_REJECT);
    expect(events).toHaveLength(2);
  });

  it('refuses a changed certificate loudly and never re-prompts for it', () => {
    const pins = memoryPins();
    pins.setPin('meet.example.org', fingerprintOfPem(certA));
    const events: PinEvent[] = [];
    const gate = createCertificateGate(pins, (e) => events.push(e));
    expect(gate.verify(untrusted(certB))).toBe(VERIFY_REJECT);
    expect(gate.verify(untrusted(certB))).toBe(VERIFY_REJECT);
    expect(events).toEqual([
      { kind: 'changed', host: 'meet.example.org', expected: fingerprintOfPem(certA), presented: fingerprintOfPem(certB) },
    ]);
    // The window cannot answer a "changed" event as if it were a first contact.
    expect(() => gate.decide('meet.example.org', fingerprintOfPem(certB), true)).toThrow(NoPendingPromptError);
    expect(pins.all.get('meet.example.org')).toBe(fingerprintOfPem(certA));
  });

  it('enforces a pin even when a public CA would vouch for another certificate', () => {
    const pins = memoryPins();
    pins.setPin('meet.example.org', fingerprintOfPem(certA));
    const gate = createCertificateGate(pins, () => undefined);
    expect(gate.verify({ hostname: 'meet.example.org', errorCode: 0, certificate: { data: certB } })).toBe(VERIFY_REJECT);
  });

  it('leaves unpinned, system-trusted hosts to Chromium', () => {
    const gate = createCertificateGate(memoryPins(), () => undefined);
    expect(gate.verify({ hostname: 'meet.example.org', errorCode: 0, certificate: { data: certA } })).toBe(VERIFY_USE_CHROMIUM);
  });

  it('cannot be made to pin what was never presented (the window cannot pin arbitrary certificates)', () => {
    const pins = memoryPins();
    const gate = createCertificateGate(pins, () => undefined);
    expect(() => gate.decide('meet.example.org', fingerprintOfPem(certA), true)).toThrow(NoPendingPromptError);
    gate.verify(untrusted(certA));
    expect(() => gate.decide('meet.example.org', fingerprintOfPem(certB), true)).toThrow(NoPendingPromptError);
    expect(() => gate.decide('other.example.org', fingerprintOfPem(certA), true)).toThrow(NoPendingPromptError);
    expect(pins.all.size).toBe(0);
  });

  it('refuses a certificate it cannot parse', () => {
    const gate = createCertificateGate(memoryPins(), () => undefined);
    expect(gate.verify({ hostname: 'x', errorCode: 0, certificate: { data: 'garbage' } })).toBe(VERIFY_REJECT);
  });

  it('pins the app’s own local server without asking', () => {
    const pins = memoryPins();
    const gate = createCertificateGate(pins, () => undefined);
    gate.pinOwn('LocalHost', fingerprintOfPem(certA));
    expect(gate.verify(untrusted(certA, 'localhost'))).toBe(VERIFY_ACCEPT);
  });
});
