import { describe, expect, it } from 'vitest';
import { AppError } from '../app-error.js';
import { WorkGate } from './work-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('WorkGate', () => {
  it('runs no more than maxRunning jobs at once, and the rest in arrival order', async () => {
    const gate = new WorkGate(2, 10);
    const jobs = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = jobs.map((d, i) =>
      gate.run(async () => {
        started.push(i);
        await d.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    jobs[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    jobs[0]!.resolve();
    jobs[2]!.resolve();
    jobs[3]!.resolve();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('turns work away with rate_limited once the line is full', async () => {
    const gate = new WorkGate(1, 1, 750);
    const block = deferred();
    const first = gate.run(() => block.promise);
    const second = gate.run(() => Promise.resolve());
    const third = gate.run(() => Promise.resolve());
    await expect(third).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'rate_limited' && e.retryAfterMs === 750);
    block.resolve();
    await Promise.all([first, second]);
  });

  it('frees the slot when a job fails', async () => {
    const gate = new WorkGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
    await expect(gate.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
