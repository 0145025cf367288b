import { createHash, createHmac, hkdfSync, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import {
  PBKDF2_ITERATIONS,
  admissionVerifier,
  deriveMeetingKeys,
  deriveSubKey,
  type MeetingKeys,
} from './meeting-keys.js';

// Every derivation costs 600,000 PBKDF2 iterations (a few hundred ms); give slow CI room.
const SLOW = 60_000;

/** The whole derivation again, independently, with Node's own crypto. */
function nodeDerive(password: string, meetingId: string) {
  const stretched = pbkdf2Sync(password, `merimeet/v1/meeting:${meetingId}`, 600_000, 32, 'sha256');
  const admission = Buffer.from(hkdfSync('sha256', stretched, Buffer.alloc(0), 'merimeet/v1/admission', 32));
  const e2e = Buffer.from(hkdfSync('sha256', stretched, Buffer.alloc(0), 'merimeet/v1/e2e', 32));
  return {
    admissionKey: admission.toString('base64url'),
    verifier: createHash('sha256').update(admission).digest('base64url'),
    /** HMAC-SHA256 under subkey `purpose` of the e2e key, as deriveSubKey(…, 'HMAC') should produce. */
    hmac(purpose: string, data: string): string {
      const key = Buffer.from(hkdfSync('sha256', e2e, Buffer.alloc(0), `merimeet/v1/${purpose}`, 32));
      return createHmac('sha256', key).update(data).digest('base64url');
    },
  };
}

async function hmacB64(keys: MeetingKeys, purpose: string, data: string): Promise<string> {
  const key = await deriveSubKey(keys.e2eKey, purpose, 'HMAC');
  return encodeBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data))));
}

// Derived once, shared by the tests below (each derivation is deliberately slow).
const cache = new Map<string, Promise<MeetingKeys>>();
const keysFor = (password: string, meetingId: string) => {
  const id = `${password}\u0000${meetingId}`;
  if (!cache.has(id)) cache.set(id, deriveMeetingKeys(password, meetingId));
  return cache.get(id)!;
};

describe('deriveMeetingKeys', () => {
  it('uses the design iteration count', () => {
    expect(PBKDF2_ITERATIONS).toBe(600_000);
  });

  it(
    'matches hard-coded vectors computed independently (Python hashlib.pbkdf2_hmac + RFC 5869 HKDF)',
    async () => {
      const keys = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      expect(keys.admissionKey).toBe('qYdI4S0e1IJY_YQSLKWTF0WAMBBTQCu0nKWjMsDTlwo');
      expect(keys.verifier).toBe('Pm3cc13lXTLNxmivNqb6sLKJE3AdaHprVEubo1tC8LU');
      // Pins deriveSubKey too: HMAC-SHA256("hello") under subkey "sdp-mac".
      expect(await hmacB64(keys, 'sdp-mac', 'hello')).toBe('GErVaI8ooax7fVuDgKcYvoUytEWFYHq9vMbdawg86vY');
    },
    SLOW,
  );

  const pairs: [string, string][] = [
    ['k7Qm2xRt9P', 'mtg-0001'],
    ['23456789ab', '550e8400-e29b-41d4-a716-446655440000'],
    ['ZZZZZZZZZZ', 'Zürich meeting ✓'], // non-ASCII id: salt is UTF-8
  ];
  for (const [password, meetingId] of pairs) {
    it(
      `agrees with node:crypto (pbkdf2Sync, hkdfSync, createHash) for ${JSON.stringify([password, meetingId])}`,
      async () => {
        const keys = await keysFor(password, meetingId);
        const expected = nodeDerive(password, meetingId);
        expect(keys.admissionKey).toBe(expected.admissionKey);
        expect(keys.verifier).toBe(expected.verifier);
        expect(decodeBase64Url(keys.admissionKey)).toHaveLength(32);
        expect(decodeBase64Url(keys.verifier)).toHaveLength(32);
        for (const purpose of ['sdp-mac', 'chat']) {
          expect(await hmacB64(keys, purpose, 'offer from a to b')).toBe(expected.hmac(purpose, 'offer from a to b'));
        }
      },
      SLOW,
    );
  }

  it(
    'gives unrelated keys for the same password in different meetings',
    async () => {
      const a = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      const b = await keysFor('k7Qm2xRt9P', 'mtg-0002');
      expect(b.admissionKey).not.toBe(a.admissionKey);
      expect(b.verifier).not.toBe(a.verifier);
      expect(await hmacB64(b, 'sdp-mac', 'x')).not.toBe(await hmacB64(a, 'sdp-mac', 'x'));
    },
    SLOW,
  );

  it(
    'trims the password first, and is case-sensitive',
    async () => {
      const a = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      expect((await keysFor('  k7Qm2xRt9P\n', 'mtg-0001')).admissionKey).toBe(a.admissionKey);
      expect((await keysFor('K7QM2XRT9P', 'mtg-0001')).admissionKey).not.toBe(a.admissionKey);
    },
    SLOW,
  );

  it('rejects an empty password or meeting id', async () => {
    await expect(deriveMeetingKeys('   ', 'mtg-0001')).rejects.toThrow(/password/);
    await expect(deriveMeetingKeys('k7Qm2xRt9P', '')).rejects.toThrow(/meeting id/);
  });

  it(
    'keeps the e2e key non-extractable and separate from the admission key',
    async () => {
      const keys = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      expect(keys.e2eKey.extractable).toBe(false);
      expect(keys.e2eKey.algorithm.name).toBe('HKDF');
      expect([...keys.e2eKey.usages].sort()).toEqual(['deriveBits', 'deriveKey']);
      await expect(crypto.subtle.exportKey('raw', keys.e2eKey)).rejects.toThrow();
      // The server's admission key is not the e2e key: treating it as the e2e
      // key's bytes gives different subkeys.
      const impostor = await crypto.subtle.importKey(
        'raw',
        decodeBase64Url(keys.admissionKey),
        'HKDF',
        false,
        ['deriveKey'],
      );
      const real = await hmacB64(keys, 'sdp-mac', 'x');
      const fake = await deriveSubKey(impostor, 'sdp-mac', 'HMAC');
      const fakeMac = encodeBase64Url(
        new Uint8Array(await crypto.subtle.sign('HMAC', fake, new TextEncoder().encode('x'))),
      );
      expect(fakeMac).not.toBe(real);
    },
    SLOW,
  );

  it(
    'gives a malicious server, from what it sees (admission key, verifier), no way to the end-to-end key',
    async () => {
      // The server sees the admission key on every join and keeps the verifier. Both are
      // HKDF-Expand outputs of the PBKDF2-stretched password under other labels; the e2e
      // key is HKDF-Expand under "merimeet/v1/e2e" of that same stretched secret, which the
      // server never sees. Getting from one output to another means inverting HMAC-SHA256
      // (to recover the stretched secret) or guessing the password at 600,000 PBKDF2
      // iterations a guess. Here: every shortcut a server might try gives other keys.
      const keys = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      const admission = decodeBase64Url(keys.admissionKey);
      const verifier = decodeBase64Url(keys.verifier);
      const real = await hmacB64(keys, 'sdp-mac', 'offer');
      const hkdf = (ikm: Uint8Array, info: string) => new Uint8Array(hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32));
      const guesses: [string, Uint8Array][] = [
        ['the admission key itself', admission],
        ['the verifier', verifier],
        ['SHA-256(admission key)', new Uint8Array(createHash('sha256').update(admission).digest())],
        ['HKDF(admission key, "merimeet/v1/e2e")', hkdf(admission, 'merimeet/v1/e2e')],
        ['HKDF(verifier, "merimeet/v1/e2e")', hkdf(verifier, 'merimeet/v1/e2e')],
      ];
      for (const [what, bytes] of guesses) {
        const impostor = await crypto.subtle.importKey('raw', bytes as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveKey', 'deriveBits']);
        const mac = encodeBase64Url(
          new Uint8Array(await crypto.subtle.sign('HMAC', await deriveSubKey(impostor, 'sdp-mac', 'HMAC'), new TextEncoder().encode('offer'))),
        );
        expect(mac, what).not.toBe(real);
      }
      // …while whoever knows the password derives it (the independent Node derivation agrees).
      expect(nodeDerive('k7Qm2xRt9P', 'mtg-0001').hmac('sdp-mac', 'offer')).toBe(real);
    },
    SLOW,
  );

  it(
    'takes a measurable, bounded time (reported, not a benchmark)',
    async () => {
      const start = performance.now();
      await deriveMeetingKeys(`timing-${Math.random()}`, 'mtg-timing');
      const ms = performance.now() - start;
      console.info(`deriveMeetingKeys: ${ms.toFixed(0)} ms (PBKDF2-SHA256, ${PBKDF2_ITERATIONS} iterations)`);
      // Slow on purpose, but a join must not hang.
      expect(ms).toBeGreaterThan(10);
      expect(ms).toBeLessThan(SLOW);
    },
    SLOW,
  );
});

describe('admissionVerifier', () => {
  it(
    'hashes a base64url admission key to the same verifier deriveMeetingKeys gives',
    async () => {
      const keys = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      expect(await admissionVerifier(keys.admissionKey)).toBe(keys.verifier);
    },
    SLOW,
  );

  it('rejects anything but 32 bytes of base64url', async () => {
    await expect(admissionVerifier('Zm9v')).rejects.toThrow(/32 bytes/);
    await expect(admissionVerifier('not base64url!')).rejects.toThrow();
  });
});

describe('deriveSubKey', () => {
  it(
    'derives different non-extractable keys per purpose',
    async () => {
      const keys = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      const macs = await Promise.all(['sdp-mac', 'chat', 'file-meta', 'safety-code'].map((p) => hmacB64(keys, p, 'same data')));
      expect(new Set(macs).size).toBe(macs.length);
      // Deterministic: the same purpose twice gives the same key.
      expect(await hmacB64(keys, 'sdp-mac', 'same data')).toBe(macs[0]);

      const mac = await deriveSubKey(keys.e2eKey, 'sdp-mac', 'HMAC');
      expect(mac.extractable).toBe(false);
      expect(mac.algorithm).toMatchObject({ name: 'HMAC', length: 256 });
      expect([...mac.usages].sort()).toEqual(['sign', 'verify']);
    },
    SLOW,
  );

  it(
    'derives AES-256-GCM keys that round-trip and are bound to their purpose',
    async () => {
      const keys = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      const chat = await deriveSubKey(keys.e2eKey, 'chat', 'AES-GCM');
      expect(chat.extractable).toBe(false);
      expect(chat.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
      expect([...chat.usages].sort()).toEqual(['decrypt', 'encrypt']);

      const iv = crypto.getRandomValues(new Uint8Array(12));
      const plain = new TextEncoder().encode('hello, meeting');
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, chat, plain);
      expect(new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, chat, sealed))).toEqual(plain);
      const files = await deriveSubKey(keys.e2eKey, 'file-meta', 'AES-GCM');
      await expect(crypto.subtle.decrypt({ name: 'AES-GCM', iv }, files, sealed)).rejects.toThrow();
    },
    SLOW,
  );

  it(
    'rejects malformed purposes and unknown usages',
    async () => {
      const keys = await keysFor('k7Qm2xRt9P', 'mtg-0001');
      for (const bad of ['', 'SDP', ' chat', 'chat\n', '/chat', 'x'.repeat(65)]) {
        await expect(deriveSubKey(keys.e2eKey, bad, 'HMAC'), JSON.stringify(bad)).rejects.toThrow(/purpose/);
      }
      await expect(deriveSubKey(keys.e2eKey, 'chat', 'RSA' as never)).rejects.toThrow(/usage/);
    },
    SLOW,
  );
});
