import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaTopology } from '../media-topology.js';
import { Lifetime } from './lifetime.js';
import { HANDOVER_MAX_MS, MeshHandover } from './mesh-handover.js';

const fakeMesh = () =>
  ({ close: vi.fn(), handleSignal: vi.fn() }) as unknown as MediaTopology & { close: ReturnType<typeof vi.fn>; handleSignal: ReturnType<typeof vi.fn> };

describe('MeshHandover (a meeting moving from the mesh to the SFU)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps showing what the mesh carries for each person until their SFU media arrives, then closes the mesh', () => {
    const mesh = fakeMesh();
    const life = new Lifetime();
    const handover = new MeshHandover(mesh, life, () => ['bob', 'cyd']);
    expect(handover.meshShows('bob')).toBe(true);
    handover.arrived('bob');
    expect(handover.meshShows('bob')).toBe(false);
    expect(handover.meshShows('cyd')).toBe(true);
    expect(mesh.close).not.toHaveBeenCalled();
    handover.arrived('cyd');
    expect(mesh.close).toHaveBeenCalledOnce();
    expect(handover.done).toBe(true);
    vi.advanceTimersByTime(HANDOVER_MAX_MS);
    expect(mesh.close).toHaveBeenCalledOnce();
    life.end();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes the mesh after HANDOVER_MAX_MS even if someone never arrives through the SFU', () => {
    const mesh = fakeMesh();
    const handover = new MeshHandover(mesh, new Lifetime(), () => ['bob']);
    vi.advanceTimersByTime(HANDOVER_MAX_MS - 1);
    expect(mesh.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(mesh.close).toHaveBeenCalledOnce();
    expect(handover.meshShows('bob')).toBe(false);
  });

  it('closes at once when nobody is there yet (joining a meeting already on the SFU)', () => {
    const mesh = fakeMesh();
    new MeshHandover(mesh, new Lifetime(), () => []);
    expect(mesh.close).toHaveBeenCalledOnce();
  });

  it('gives the mesh its own negotiation signals while it is up, and none after it closed', () => {
    const mesh = fakeMesh();
    const handover = new MeshHandover(mesh, new Lifetime(), () => ['bob']);
    const candidate = { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' } };
    expect(handover.meshSignal('bob', candidate)).toBe(true);
    expect(mesh.handleSignal).toHaveBeenCalledWith('bob', candidate);
    handover.arrived('bob');
    expect(handover.meshSignal('bob', candidate)).toBe(false);
    expect(mesh.handleSignal).toHaveBeenCalledOnce();
  });

  it('leaves no timer behind when the session ends first', () => {
    const life = new Lifetime();
    new MeshHandover(fakeMesh(), life, () => ['bob']);
    life.end();
    expect(vi.getTimerCount()).toBe(0);
  });
});
