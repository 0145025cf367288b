import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from './store.js';

afterEach(() => vi.restoreAllMocks());

describe('createStore', () => {
  it('starts at the initial state and replaces it with what update returns', () => {
    const store = createStore({ count: 0 });
    store.update((s) => ({ count: s.count + 1 }));
    store.update((s) => ({ count: s.count * 10 }));
    expect(store.get()).toEqual({ count: 10 });
  });

  it('notifies every listener with the new state only when the state changed by identity', () => {
    const initial = { count: 0 };
    const store = createStore(initial);
    const seen: unknown[] = [];
    store.subscribe((s) => seen.push(s));
    store.update((s) => s); // same object: nothing happened
    expect(seen).toEqual([]);
    store.update(() => ({ count: 0 })); // equal but new: the UI must re-render from it
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toBe(initial);
  });

  it('keeps notifying the others when one listener throws, and reports the failure', () => {
    const store = createStore(0);
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    store.subscribe(() => {
      throw new Error('broken subscriber');
    });
    store.subscribe(after);
    store.update(() => 1);
    expect(after).toHaveBeenCalledWith(1);
    expect(store.get()).toBe(1);
    expect(report).toHaveBeenCalledTimes(1);
    expect(String(report.mock.calls[0]?.[1])).toContain('broken subscriber');
  });

  it('stops notifying after unsubscribe, and only that listener', () => {
    const store = createStore(0);
    const a = vi.fn();
    const b = vi.fn();
    const stopA = store.subscribe(a);
    store.subscribe(b);
    store.update(() => 1);
    stopA();
    store.update(() => 2);
    expect(a.mock.calls).toEqual([[1]]);
    expect(b.mock.calls).toEqual([[1], [2]]);
  });

  it('lets a listener unsubscribe or subscribe others while being notified, without skipping anyone this round', () => {
    const store = createStore(0);
    const calls: string[] = [];
    const late = () => calls.push('late');
    const stopFirst = store.subscribe(() => {
      calls.push('first');
      stopFirst();
      store.subscribe(late);
    });
    store.subscribe(() => calls.push('second'));
    store.update(() => 1);
    expect(calls).toEqual(['first', 'second']); // the one added this round waits for the next
    calls.length = 0;
    store.update(() => 2);
    expect(calls).toEqual(['second', 'late']);
  });

  it('gives listeners the latest state when a listener updates the store itself', () => {
    const store = createStore(0);
    const seenBySecond: number[] = [];
    store.subscribe((s) => {
      if (s === 1) store.update(() => 2);
    });
    store.subscribe((s) => seenBySecond.push(s));
    store.update(() => 1);
    expect(store.get()).toBe(2);
    // The nested update notifies first; the outer round then passes on the current state: never a stale 1.
    expect(seenBySecond.length).toBeGreaterThan(0);
    expect(seenBySecond).not.toContain(1);
  });

  it('ends at the result of applying every update in order (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.tuple(fc.constantFrom('add', 'mul', 'keep'), fc.integer({ min: -5, max: 5 }))), (start, ops) => {
        const store = createStore({ n: start });
        let notified = 0;
        store.subscribe(() => notified++);
        let expected = start;
        let changes = 0;
        for (const [op, k] of ops) {
          store.update((s) => (op === 'keep' ? s : { n: op === 'add' ? s.n + k : s.n * k }));
          if (op !== 'keep') {
            expected = op === 'add' ? expected + k : expected * k;
            changes++;
          }
        }
        expect(store.get().n).toBe(expected);
        expect(notified).toBe(changes);
      }),
    );
  });
});
