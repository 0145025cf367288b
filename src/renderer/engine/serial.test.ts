import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSerialQueues } from './serial.js';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createSerialQueues', () => {
  it('runs one key\'s tasks one at a time, in the order they were queued, whatever each takes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 10 }), async (delays) => {
        const serially = createSerialQueues();
        const log: string[] = [];
        let running = 0;
        await Promise.all(
          delays.map((ms, i) =>
            serially('peer', async () => {
              running++;
              expect(running).toBe(1);
              log.push(`start ${i}`);
              await new Promise((r) => setTimeout(r, ms));
              log.push(`end ${i}`);
              running--;
            }),
          ),
        );
        expect(log).toEqual(delays.flatMap((_, i) => [`start ${i}`, `end ${i}`]));
      }),
      { numRuns: 15 },
    );
  });

  it('runs different keys side by side', async () => {
    const serially = createSerialQueues();
    const gate = deferred();
    const a = serially('a', () => gate.promise.then(() => 'a'));
    const b = serially('b', async () => 'b');
    // b finishes while a is still held: the keys do not wait for each other.
    expect(await b).toBe('b');
    gate.resolve();
    expect(await a).toBe('a');
  });

  it('does not start a task before the one ahead of it has settled', async () => {
    const serially = createSerialQueues();
    const gate = deferred();
    let secondStarted = false;
    void serially('k', () => gate.promise);
    const second = serially('k', async () => {
      secondStarted = true;
    });
    await tick();
    expect(secondStarted).toBe(false);
    gate.resolve();
    await second;
    expect(secondStarted).toBe(true);
  });

  it('hands each caller its own task\'s result or error, and a failure does not stop the queue', async () => {
    const serially = createSerialQueues();
    const first = serially('k', async () => {
      throw new Error('first failed');
    });
    const thrownSync = serially('k', () => {
      throw new Error('threw before returning a promise');
    });
    const third = serially('k', async () => 3);
    await expect(first).rejects.toThrow('first failed');
    await expect(thrownSync).rejects.toThrow('threw before returning a promise');
    expect(await third).toBe(3);
  });

  it('starts a fresh chain once a key has drained (a settled key holds nothing back)', async () => {
    const serially = createSerialQueues();
    expect(await serially('k', async () => 1)).toBe(1);
    await tick();
    const order: number[] = [];
    await Promise.all([serially('k', async () => order.push(2)), serially('k', async () => order.push(3))]);
    expect(order).toEqual([2, 3]);
  });
});
