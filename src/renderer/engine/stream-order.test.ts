import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newEpoch } from './sealed-json.js';
import { createOrderCheck } from './stream-order.js';

describe('createOrderCheck', () => {
  it('takes a sender\'s first message whatever its number, then only higher numbers', () => {
    const inOrder = createOrderCheck();
    const epoch = newEpoch();
    expect(inOrder('ada', { epoch, seq: 5 })).toBe(true);
    expect(inOrder('ada', { epoch, seq: 5 })).toBe(false); // replayed
    expect(inOrder('ada', { epoch, seq: 3 })).toBe(false); // late
    expect(inOrder('ada', { epoch, seq: 9 })).toBe(true); // a gap is fine (lost or not for us)
    expect(inOrder('ada', { epoch, seq: 6 })).toBe(false); // but the gap cannot be filled later
  });

  it('keeps each sender\'s order apart', () => {
    const inOrder = createOrderCheck();
    const epoch = newEpoch();
    expect(inOrder('ada', { epoch, seq: 10 })).toBe(true);
    // The same epoch and a lower number from someone else is their own stream.
    expect(inOrder('bob', { epoch, seq: 1 })).toBe(true);
    expect(inOrder('ada', { epoch, seq: 2 })).toBe(false);
  });

  it('takes a new epoch (the sender rejoined) and never goes back to an old one', () => {
    const inOrder = createOrderCheck();
    const [first, second, third] = [newEpoch(), newEpoch(), newEpoch()];
    expect(inOrder('ada', { epoch: first, seq: 40 })).toBe(true);
    expect(inOrder('ada', { epoch: second, seq: 1 })).toBe(true);
    expect(inOrder('ada', { epoch: first, seq: 41 })).toBe(false);
    expect(inOrder('ada', { epoch: third, seq: 1 })).toBe(true);
    expect(inOrder('ada', { epoch: second, seq: 2 })).toBe(false);
    expect(inOrder('ada', { epoch: first, seq: 1_000 })).toBe(false);
    expect(inOrder('ada', { epoch: third, seq: 2 })).toBe(true);
  });

  it('remembers the last 64 retired epochs', () => {
    const inOrder = createOrderCheck();
    const epochs = Array.from({ length: 66 }, newEpoch);
    for (const epoch of epochs) expect(inOrder('ada', { epoch, seq: 1 })).toBe(true);
    // 65 epochs retired; the newest 64 of them are refused.
    for (const epoch of epochs.slice(1, 65)) expect(inOrder('ada', { epoch, seq: 2 })).toBe(false);
    expect(inOrder('ada', { epoch: epochs[65]!, seq: 2 })).toBe(true);
  });

  it('accepts exactly the messages that come after everything accepted before (property, one epoch)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 60 }), (seqs) => {
        const inOrder = createOrderCheck();
        const epoch = newEpoch();
        let highest = 0;
        for (const seq of seqs) {
          expect(inOrder('ada', { epoch, seq })).toBe(seq > highest);
          highest = Math.max(highest, seq);
        }
      }),
    );
  });

  it('never accepts the same (epoch, seq) twice, however messages from several sessions are mixed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 3 }), fc.integer({ min: 1, max: 8 })), { maxLength: 80 }), (messages) => {
        const epochs = Array.from({ length: 4 }, newEpoch);
        const inOrder = createOrderCheck();
        const accepted = new Set<string>();
        for (const [e, seq] of messages) {
          const key = `${e}:${seq}`;
          if (inOrder('ada', { epoch: epochs[e]!, seq })) {
            expect(accepted.has(key)).toBe(false);
            accepted.add(key);
          }
        }
      }),
    );
  });
});
