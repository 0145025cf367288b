import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Lifetime } from './lifetime.js';

describe('Lifetime', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs every disposer once when it ends, newest first', () => {
    const life = new Lifetime();
    const order: string[] = [];
    life.add(() => order.push('first'));
    life.add(() => order.push('second'));
    life.end();
    life.end();
    expect(order).toEqual(['second', 'first']);
    expect(life.ended).toBe(true);
    expect(life.signal.aborted).toBe(true);
  });

  it('runs a disposer added after the end at once', () => {
    const life = new Lifetime();
    life.end();
    const dispose = vi.fn();
    life.add(dispose);
    expect(dispose).toHaveBeenCalledOnce();
  });

  it('a disposer run early does not run again at the end', () => {
    const life = new Lifetime();
    const dispose = vi.fn();
    const early = life.add(dispose);
    early();
    life.end();
    expect(dispose).toHaveBeenCalledOnce();
  });

  it('cancels pending timeouts and intervals when it ends', () => {
    const life = new Lifetime();
    const timeout = vi.fn();
    const interval = vi.fn();
    life.timeout(1_000, timeout);
    life.interval(100, interval);
    vi.advanceTimersByTime(250);
    expect(interval).toHaveBeenCalledTimes(2);
    life.end();
    vi.advanceTimersByTime(5_000);
    expect(timeout).not.toHaveBeenCalled();
    expect(interval).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts no timer once ended', () => {
    const life = new Lifetime();
    life.end();
    const fn = vi.fn();
    life.timeout(10, fn);
    life.interval(10, fn);
    life.slot().arm(10, fn);
    vi.advanceTimersByTime(100);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a fired timeout leaves nothing to dispose', () => {
    const life = new Lifetime();
    const fn = vi.fn();
    life.timeout(10, fn);
    vi.advanceTimersByTime(10);
    expect(fn).toHaveBeenCalledOnce();
    const dispose = vi.fn();
    life.add(dispose);
    life.end();
    expect(dispose).toHaveBeenCalledOnce();
  });

  it('a slot re-armed replaces its pending timer; armIfIdle keeps a running deadline', () => {
    const life = new Lifetime();
    const slot = life.slot();
    const first = vi.fn();
    const second = vi.fn();
    slot.arm(100, first);
    slot.arm(200, second);
    vi.advanceTimersByTime(150);
    expect(first).not.toHaveBeenCalled();
    slot.armIfIdle(10, first);
    vi.advanceTimersByTime(60);
    expect(second).toHaveBeenCalledOnce();
    expect(first).not.toHaveBeenCalled();
    expect(slot.pending).toBe(false);
    slot.armIfIdle(10, first);
    expect(slot.pending).toBe(true);
    slot.clear();
    vi.advanceTimersByTime(100);
    expect(first).not.toHaveBeenCalled();
  });

  it('a disposer that throws does not stop the others', () => {
    const life = new Lifetime();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    life.add(after);
    life.add(() => {
      throw new Error('boom');
    });
    life.end();
    expect(after).toHaveBeenCalledOnce();
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });
});
