/**
 * The pairwise channel between us and each member, over which our media key
 * reaches them (DESIGN "Large meetings"):
 *
 * - one ephemeral X25519 key pair per session (WebCrypto; works in Chromium
 *   ≥ 133, so Electron 45 and Chromium 156, and in Firefox ≥ 130, so ESR
 *   153: both checked here in headless Chromium 156 and Firefox 153);
 * - the public key announced in a hello MAC'd under a sub-key of the meeting
 *   e2eKey (pairwise-hello.ts); a hello that echoes a key we are not using
 *   is a replay from an earlier session; a member whose key changes after we
 *   trusted it is being impersonated: both are refused and reported;
 * - the pair is trusted once each side has echoed the other's current key;
 *   the channel key is then HKDF-SHA256 of the X25519 secret, bound to the
 *   meeting and both (id, public key) pairs, used as AES-256-GCM;
 * - the safety code is computed over both public keys (safety-code.ts's
 *   digits), so an insider who knows the password and swaps keys with valid
 *   MACs still shows two different codes.
 */
import { decodeBase64Url, encodeBase64Url } from '../../../../common/crypto/base64url.js';
import type { SecurityProblem } from '../../call-state.js';
import { safetyCode } from '../../safety-code.js';
import { newEpoch, openJson, sealJson, type StreamOrder } from '../../sealed-json.js';
import { HELLO_KIND, MAX_SEALED_CHARS, MEDIA_KEY_KIND, SealedMediaKey, type KeyHelloSignal } from './key-signals.js';
import { MEDIA_KEY_BYTES, type MediaKey } from './media-key.js';
import { deriveHelloMacKey, signHello, verifyHello, type HelloClaim } from './pairwise-hello.js';

export type PeerTrust = { safetyCode: string } | { securityProblem: SecurityProblem };

export interface PairwiseOptions {
  meetingId: string;
  localPeerId(): string;
  e2eKey: CryptoKey;
  sendSignal(to: string, data: unknown): void;
}

export interface PairwiseEvents {
  /** The pair is trusted both ways: send them our media key now. */
  onEstablished(peerId: string): void;
  onMediaKey(peerId: string, key: MediaKey): void;
  onPeerTrust(peerId: string, trust: PeerTrust): void;
}

interface Pair {
  /** Their public key as last announced (unconfirmed until they echo ours). */
  announced: string | null;
  confirmed: string | null;
  /** The public key we last echoed to them. */
  echoed: string | null;
  channel: CryptoKey | null;
  sendOrder: StreamOrder;
  /** Highest sequence number opened from them, per their stream epoch. */
  received: { epoch: string; seq: number } | null;
}

const ALGORITHM = { name: 'X25519' } as const;
const CHANNEL_INFO = 'merimeet/v1/sfu-pairwise';
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export class PairwiseChannels {
  readonly #pairs = new Map<string, Pair>();

  private constructor(
    private readonly options: PairwiseOptions,
    private readonly events: PairwiseEvents,
    private readonly macKey: CryptoKey,
    private readonly keyPair: CryptoKeyPair,
    readonly publicKey: string,
  ) {}

  static async create(options: PairwiseOptions, events: PairwiseEvents): Promise<PairwiseChannels> {
    const macKey = await deriveHelloMacKey(options.e2eKey);
    // Not extractable: the private key never leaves WebCrypto (the public one always may).
    const keyPair = (await crypto.subtle.generateKey(ALGORITHM, false, ['deriveBits'])) as CryptoKeyPair;
    const pub = encodeBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey)));
    return new PairwiseChannels(options, events, macKey, keyPair, pub);
  }

  /** A member to agree a key with: announce ours. */
  async open(peerId: string): Promise<void> {
    await this.#sendHello(peerId, this.#pair(peerId));
  }

  close(peerId: string): void {
    this.#pairs.delete(peerId);
  }

  isEstablished(peerId: string): boolean {
    return this.#pairs.get(peerId)?.channel != null;
  }

  async sendMediaKey(peerId: string, key: MediaKey): Promise<void> {
    const pair = this.#pairs.get(peerId);
    if (!pair?.channel) return;
    const order = { ...pair.sendOrder };
    pair.sendOrder.seq++;
    const payload = { epoch: key.epoch, step: key.step, key: encodeBase64Url(key.baseKey) };
    const sealed = await sealJson(pair.channel, this.#context(this.options.localPeerId(), peerId), order, payload);
    this.options.sendSignal(peerId, { kind: MEDIA_KEY_KIND, sealed });
  }

  async handleHello(from: string, hello: KeyHelloSignal): Promise<void> {
    const me = this.options.localPeerId();
    const claim: HelloClaim = { meetingId: this.options.meetingId, from, to: me, pub: hello.pub, echo: hello.echo };
    if (!(await verifyHello(this.macKey, claim, hello.mac))) return this.#problem(from, 'forged');
    if (hello.echo !== '' && hello.echo !== this.publicKey) return this.#problem(from, 'replayed');
    const pair = this.#pair(from);
    if (pair.confirmed !== null && pair.confirmed !== hello.pub) return this.#problem(from, 'forged');
    pair.announced = hello.pub;
    if (pair.echoed !== hello.pub) await this.#sendHello(from, pair);
    if (hello.echo === this.publicKey && pair.confirmed === null) await this.#establish(from, pair, hello.pub);
  }

  async handleMediaKey(from: string, sealed: string): Promise<void> {
    const pair = this.#pairs.get(from);
    if (!pair?.channel) return; // before the pair is trusted nothing can open; the sender resends once it is
    const opened = await openJson(pair.channel, this.#context(from, this.options.localPeerId()), sealed, SealedMediaKey, MAX_SEALED_CHARS);
    if (!opened) return this.#problem(from, 'forged');
    const { order, payload } = opened;
    if (pair.received && pair.received.epoch === order.epoch && order.seq <= pair.received.seq) return this.#problem(from, 'replayed');
    pair.received = { epoch: order.epoch, seq: order.seq };
    const baseKey = decodeBase64Url(payload.key);
    if (baseKey.length !== MEDIA_KEY_BYTES) return this.#problem(from, 'forged');
    this.events.onMediaKey(from, { epoch: payload.epoch, step: payload.step, baseKey });
  }

  #pair(peerId: string): Pair {
    let pair = this.#pairs.get(peerId);
    if (!pair) {
      pair = { announced: null, confirmed: null, echoed: null, channel: null, sendOrder: { epoch: newEpoch(), seq: 1 }, received: null };
      this.#pairs.set(peerId, pair);
    }
    return pair;
  }

  async #sendHello(to: string, pair: Pair): Promise<void> {
    const echo = pair.announced ?? '';
    pair.echoed = pair.announced;
    const claim: HelloClaim = { meetingId: this.options.meetingId, from: this.options.localPeerId(), to, pub: this.publicKey, echo };
    const signal: KeyHelloSignal = { kind: HELLO_KIND, pub: this.publicKey, echo, mac: await signHello(this.macKey, claim) };
    this.options.sendSignal(to, signal);
  }

  async #establish(peerId: string, pair: Pair, theirPub: string): Promise<void> {
    let channel: CryptoKey;
    try {
      channel = await this.#channelKey(peerId, theirPub);
    } catch (error) {
      // X25519 refuses a low-order public key (an all-zero secret): a key nobody honest sends.
      if (error instanceof DOMException) return this.#problem(peerId, 'forged');
      throw error;
    }
    pair.confirmed = theirPub;
    pair.channel = channel;
    const code = await safetyCode({ algorithm: 'x25519', value: hex(decodeBase64Url(this.publicKey)) }, { algorithm: 'x25519', value: hex(decodeBase64Url(theirPub)) });
    this.events.onPeerTrust(peerId, { safetyCode: code });
    this.events.onEstablished(peerId);
  }

  async #channelKey(peerId: string, theirPub: string): Promise<CryptoKey> {
    const s = crypto.subtle;
    const publicKey = await s.importKey('raw', decodeBase64Url(theirPub), ALGORITHM, false, []);
    const secret = await s.deriveBits({ name: 'X25519', public: publicKey }, this.keyPair.privateKey, 256);
    const hkdf = await s.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
    const parties = [`${this.options.localPeerId()} ${this.publicKey}`, `${peerId} ${theirPub}`].sort();
    const info = new TextEncoder().encode([CHANNEL_INFO, this.options.meetingId, ...parties].join('\n'));
    return s.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info }, hkdf, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  }

  #context(from: string, to: string): string[] {
    return ['merimeet/v1/sfu-media-key', this.options.meetingId, from, to];
  }

  #problem(peerId: string, kind: SecurityProblem['kind']): void {
    this.events.onPeerTrust(peerId, { securityProblem: { kind, at: Date.now() } });
  }
}

