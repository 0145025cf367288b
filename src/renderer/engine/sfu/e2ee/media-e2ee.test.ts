/**
 * The whole control plane of MediaE2ee for four people over an in-memory
 * relay, with the frame worker's core run in-process (the worker glue and
 * the browser's transforms are covered by test/e2e/media-e2ee.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { createMediaE2eeOn, EPOCH_SWITCH_DELAY_MS } from './create-media-e2ee.js';
import { CANT_DECRYPT_AFTER_MS } from './decrypt-state.js';
import type { FramePort, FromFrameWorker, ToFrameWorker } from './frame-worker-messages.js';
import { FrameWorkerCore } from './frame-worker-core.js';
import type { MediaE2ee, MediaKind } from './media-e2ee.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A worker port whose other end is the real worker core, in this thread (messages are cloned as postMessage would). */
function inProcessWorker(): { port: FramePort; core: FrameWorkerCore } {
  const port: FramePort = {
    onmessage: null,
    postMessage: (m: ToFrameWorker) => core.handle(structuredClone(m)),
    terminate: () => undefined,
  };
  const core = new FrameWorkerCore((m: FromFrameWorker) => port.onmessage?.({ data: structuredClone(m) } as MessageEvent<FromFrameWorker>));
  return { port, core };
}

/** What the browser hands a transform: bytes and metadata (VP8 has no mimeType on Firefox either). */
const encodedFrame = (bytes: Uint8Array) => ({ data: bytes.slice().buffer as ArrayBuffer, getMetadata: () => ({}) }) as unknown as RTCEncodedVideoFrame;
const VIDEO = new Uint8Array([0x31, 0x22, 0x33, ...Array.from({ length: 60 }, (_, i) => i)]);

interface Person {
  id: string;
  e2ee: MediaE2ee;
  core: FrameWorkerCore;
  states: string[];
  problems: string[];
  codes: Map<string, string>;
}

function meeting(e2eKey: CryptoKey) {
  const people = new Map<string, Person>();
  let inFlight = 0;
  const join = (id: string, { admitted = true } = {}) => {
    const { port, core } = inProcessWorker();
    const p: Person = { id, core, states: [], problems: [], codes: new Map(), e2ee: null as unknown as MediaE2ee };
    p.e2ee = createMediaE2eeOn(
      port,
      {
        meetingId: 'm-1',
        localPeerId: () => id,
        e2eKey,
        sendSignal: (to, data) => {
          inFlight++;
          setTimeout(() => {
            inFlight--;
            const target = people.get(to);
            if (target && target.e2ee.isKeySignal(data)) target.e2ee.handleSignal(id, JSON.parse(JSON.stringify(data)));
          }, 1);
        },
      },
      {
        onDecryptState: (peer, kind, state) => p.states.push(`${peer}/${kind}:${state}`),
        onPeerTrust: (peer, t) => ('safetyCode' in t ? p.codes.set(peer, t.safetyCode) : p.problems.push(`${peer}:${t.securityProblem.kind}`)),
      },
    );
    for (const other of people.values()) {
      if (admitted) other.e2ee.addMember(id);
      p.e2ee.addMember(other.id);
    }
    people.set(id, p);
    return p;
  };
  const leave = (id: string) => {
    people.get(id)!.e2ee.close();
    people.delete(id);
    for (const other of people.values()) other.e2ee.removeMember(id);
  };
  /** Until no signal has been in flight for 50 ms (key generation and MACs take a few ms each). */
  const settle = async () => {
    for (let quiet = 0; quiet < 10; ) {
      await sleep(5);
      quiet = inFlight > 0 ? 0 : quiet + 1;
    }
  };
  return { join, leave, settle };
}

async function send(from: Person, kind: MediaKind = 'video'): Promise<Uint8Array> {
  const frame = encodedFrame(VIDEO);
  expect(await from.core.seal(kind, frame)).toBe(true);
  return new Uint8Array(frame.data);
}

async function opens(by: Person, from: string, sealed: Uint8Array, kind: MediaKind = 'video'): Promise<boolean> {
  const frame = encodedFrame(sealed);
  const ok = await by.core.open(from, kind, frame);
  if (ok) expect(new Uint8Array(frame.data)).toEqual(VIDEO);
  return ok;
}

describe('MediaE2ee, four people', () => {
  it('hands keys over, rotates on leave and ratchets on join', async () => {
    const e2eKey = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
    const m = meeting(e2eKey);
    const [ada, bob, cy] = [m.join('ada'), m.join('bob'), m.join('cy')];
    await m.settle();
    expect(ada.codes.get('bob')).toBe(bob.codes.get('ada'));
    expect([...cy.codes.keys()].sort()).toEqual(['ada', 'bob']);

    const first = await send(ada);
    expect(ada.core.stats().encryptedFrames).toBe(1);
    // Only the allowed 3 clear bytes of a VP8 interframe are left as they were.
    expect(Array.from(first.subarray(0, 3))).toEqual([0x31, 0x22, 0x33]);
    expect(first.subarray(3 + 2, 3 + 2 + 8)).not.toEqual(VIDEO.subarray(3, 11));
    expect(await opens(bob, 'ada', first)).toBe(true);
    expect(await opens(cy, 'ada', first)).toBe(true);
    expect(bob.states).toEqual(['ada/video:ok']);
    // An empty frame (Chromium sends some for audio) passes both ways untouched and uncounted.
    const empty = encodedFrame(new Uint8Array(0));
    expect(await ada.core.seal('audio', empty)).toBe(true);
    expect(await bob.core.open('ada', 'audio', empty)).toBe(true);
    expect(empty.data.byteLength).toBe(0);
    expect(bob.core.stats().droppedFrames).toBe(0);

    // Cy leaves: once the new epoch takes over, Cy's keys open nothing.
    m.leave('cy');
    await m.settle();
    await sleep(EPOCH_SWITCH_DELAY_MS + 50);
    const afterLeave = await send(ada);
    expect(await opens(bob, 'ada', afterLeave)).toBe(true);
    expect(await opens(cy, 'ada', afterLeave)).toBe(false);
    await sleep(CANT_DECRYPT_AFTER_MS);
    expect(await opens(cy, 'ada', afterLeave)).toBe(false);
    expect(cy.states).toEqual(['ada/video:ok', 'ada/video:cant-decrypt']);
    expect(cy.core.stats().droppedFrames).toBe(2);

    // Dan joins: he opens what Ada sends from now on, not what she sent before he came.
    const beforeJoin = await send(ada);
    const dan = m.join('dan');
    await m.settle();
    const afterJoin = await send(ada);
    expect(await opens(dan, 'ada', afterJoin)).toBe(true);
    expect(await opens(dan, 'ada', beforeJoin)).toBe(false);
    expect(await opens(dan, 'ada', afterLeave)).toBe(false);
    expect(await opens(bob, 'ada', afterJoin)).toBe(true);
    expect(await opens(bob, 'ada', beforeJoin)).toBe(true);
    for (const p of [ada, bob, dan]) expect(p.problems).toEqual([]);
    for (const p of [ada, bob, dan]) p.e2ee.close();
  });

  it('hands no key to someone the roster did not admit, even with the meeting key', async () => {
    const e2eKey = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
    const m = meeting(e2eKey);
    const ada = m.join('ada');
    // Eve shares the meeting key and announces herself, but Ada's roster never admitted her.
    const eve = m.join('eve', { admitted: false });
    await m.settle();
    expect(eve.codes.has('ada')).toBe(true); // the handshake itself completes
    expect(await opens(eve, 'ada', await send(ada))).toBe(false);
    eve.e2ee.close();
    ada.e2ee.close();
  });

  it('reports a malformed key signal and a hello under another meeting key as forged', async () => {
    const key = () => crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
    const ours = meeting(await key());
    const theirs = meeting(await key());
    const ada = ours.join('ada');
    ada.e2ee.handleSignal('bob', { kind: 'media-key-hello', pub: 'x', echo: '', mac: 'y' });
    const bob = theirs.join('bob');
    const captured: unknown[] = [];
    const sniff = createMediaE2eeOn(inProcessWorker().port, { meetingId: 'm-1', localPeerId: () => 'bob', e2eKey: (await key()), sendSignal: (_to, d) => captured.push(d) }, { onDecryptState: () => undefined, onPeerTrust: () => undefined });
    sniff.addMember('ada');
    await sleep(50);
    for (const d of captured) ada.e2ee.handleSignal('bob', d);
    await sleep(50);
    expect(ada.problems).toEqual(['bob:forged', 'bob:forged']);
    for (const e of [ada.e2ee, bob.e2ee, sniff]) e.close();
  });
});
