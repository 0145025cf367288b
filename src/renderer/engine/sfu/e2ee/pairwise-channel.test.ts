import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { KeySignal } from './key-signals.js';
import { randomMediaKey, type MediaKey } from './media-key.js';
import { PairwiseChannels, type PeerTrust } from './pairwise-channel.js';

const MEETING = 'meeting-1';
const e2eKey = () => crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);

interface Person {
  id: string;
  channels: PairwiseChannels;
  trust: PeerTrust[];
  keys: MediaKey[];
  established: string[];
}

type Wire = { from: string; to: string; data: unknown };

/** People whose signals land in `wire`; `deliver` hands them over, as the relay would. */
async function people(ids: string[], key?: CryptoKey) {
  const wire: Wire[] = [];
  const meetingKey = key ?? (await e2eKey());
  const byId = new Map<string, Person>();
  for (const id of ids) {
    const person: Person = { id, trust: [], keys: [], established: [], channels: null as unknown as PairwiseChannels };
    person.channels = await PairwiseChannels.create(
      { meetingId: MEETING, localPeerId: () => id, e2eKey: meetingKey, sendSignal: (to, data) => wire.push({ from: id, to, data }) },
      { onEstablished: (p) => person.established.push(p), onMediaKey: (_p, k) => person.keys.push(k), onPeerTrust: (_p, t) => person.trust.push(t) },
    );
    byId.set(id, person);
  }
  const deliverOne = async (w: Wire, to = byId.get(w.to)!) => {
    const signal = v.parse(KeySignal, w.data);
    if (signal.kind === 'media-key-hello') await to.channels.handleHello(w.from, signal);
    else await to.channels.handleMediaKey(w.from, signal.sealed);
  };
  const deliver = async (tamper: (w: Wire) => Wire = (w) => w) => {
    while (wire.length > 0) await deliverOne(tamper(wire.shift()!));
  };
  return { wire, deliver, deliverOne, person: (id: string) => byId.get(id)!, meetingKey };
}

const problems = (p: Person) => p.trust.flatMap((t) => ('securityProblem' in t ? [t.securityProblem.kind] : []));
const codes = (p: Person) => p.trust.flatMap((t) => ('safetyCode' in t ? [t.safetyCode] : []));

describe('pairwise channel', () => {
  it('agrees a key both ways, shows one safety code, and carries a media key sealed', async () => {
    const net = await people(['ada', 'bob']);
    await net.person('ada').channels.open('bob');
    await net.deliver();
    const [ada, bob] = [net.person('ada'), net.person('bob')];
    expect(ada.established).toEqual(['bob']);
    expect(bob.established).toEqual(['ada']);
    expect(codes(ada)[0]).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(codes(ada)).toEqual(codes(bob));

    const key = randomMediaKey(3);
    await ada.channels.sendMediaKey('bob', key);
    const sent = JSON.stringify(net.wire[0]!.data);
    expect(sent).not.toContain(Buffer.from(key.baseKey).toString('base64url'));
    await net.deliver();
    expect(bob.keys).toEqual([key]);
  });

  it('refuses a public key swapped by a server without the password', async () => {
    const net = await people(['ada', 'bob']);
    const mallory = await people(['ada'], await e2eKey());
    await net.person('ada').channels.open('bob');
    const swap = (w: Wire) => (w.from === 'ada' ? { ...w, data: { ...(w.data as object), pub: mallory.person('ada').channels.publicKey } } : w);
    await net.deliver(swap);
    expect(problems(net.person('bob'))).toContain('forged');
    expect(net.person('bob').channels.isEstablished('ada')).toBe(false);
    // A whole hello made under another meeting key (a wrong password) is refused too.
    await mallory.person('ada').channels.open('bob');
    await net.deliverOne(mallory.wire.shift()!, net.person('bob'));
    expect(problems(net.person('bob'))).toEqual(['forged', 'forged']);
  });

  it('refuses a hello recorded in an earlier session', async () => {
    const first = await people(['ada', 'bob']);
    const recorded: Wire[] = [];
    await first.person('ada').channels.open('bob');
    await first.deliver((w) => (recorded.push(w), w));
    // Bob joins again (a new session, same ids and meeting key); the server plays Ada's old hellos back.
    const second = await people(['bob'], first.meetingKey);
    for (const w of recorded.filter((r) => r.from === 'ada')) await second.deliverOne(w, second.person('bob'));
    expect(problems(second.person('bob'))).toEqual(['replayed']);
    expect(second.person('bob').channels.isEstablished('ada')).toBe(false);
  });

  it('refuses a key change after trust, and a media key replayed or tampered', async () => {
    const net = await people(['ada', 'bob']);
    await net.person('ada').channels.open('bob');
    await net.deliver();
    const bob = net.person('bob');
    // An insider with the password signs a hello for another key: the pair was already trusted.
    const insider = await people(['ada'], net.meetingKey);
    await insider.person('ada').channels.open('bob');
    const hello = insider.wire.shift()!;
    await net.deliverOne({ ...hello, data: { ...(hello.data as object) } }, bob);
    expect(problems(bob)).toEqual(['forged']);
    expect(codes(bob)).toHaveLength(1);
    await net.person('ada').channels.sendMediaKey('bob', randomMediaKey(0));
    const keyMessage = net.wire.find((w) => w.from === 'ada' && (w.data as { kind: string }).kind === 'media-key')!;
    await net.deliver();
    await net.deliverOne(keyMessage, bob);
    expect(problems(bob)).toEqual(['forged', 'replayed']);
    const sealed = (keyMessage.data as { sealed: string }).sealed;
    await net.deliverOne({ ...keyMessage, data: { kind: 'media-key', sealed: sealed.replace(/"ct":"./, '"ct":"A') } }, bob);
    expect(problems(bob)).toEqual(['forged', 'replayed', 'forged']);
    expect(bob.keys).toHaveLength(1);
  });

  it('an insider who knows the password and sits in the middle shows two different safety codes', async () => {
    const net = await people(['ada', 'bob']);
    // Mallory's "ada" talks to the real Bob; her "bob" to the real Ada. Both MAC correctly.
    const toBob = await people(['ada'], net.meetingKey);
    const toAda = await people(['bob'], net.meetingKey);
    await net.person('ada').channels.open('bob');
    await toBob.person('ada').channels.open('bob');
    while (net.wire.length + toBob.wire.length + toAda.wire.length > 0) {
      for (const w of net.wire.splice(0)) await net.deliverOne(w, w.from === 'ada' ? toAda.person('bob') : toBob.person('ada'));
      for (const w of toAda.wire.splice(0)) await net.deliverOne(w, net.person('ada'));
      for (const w of toBob.wire.splice(0)) await net.deliverOne(w, net.person('bob'));
    }
    const [ada, bob] = [codes(net.person('ada')), codes(net.person('bob'))];
    expect(ada).toHaveLength(1);
    expect(bob).toHaveLength(1);
    expect(ada[0]).not.toBe(bob[0]);
  });
});
