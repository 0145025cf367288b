/**
 * The few seconds in which a meeting moves from the mesh to the SFU
 * (protocol §5.6a: nobody leaves; mesh links stay up until the SFU media
 * replaces them). Until a person's media arrives through the SFU, what their
 * mesh link shows stays on screen; once everyone's has (or after
 * {@link HANDOVER_MAX_MS}), the mesh closes. Keeps anyone's gap in media to
 * the time the SFU takes to deliver their first frames.
 */
import type { MediaTopology } from '../media-topology.js';
import type { Lifetime } from './lifetime.js';

/**
 * Measured in the e2e SFU spec (three people, a machine at load 9–25): from
 * the start of publishing to the first packets of everyone through the SFU,
 * 2.4–4.9 s. 8 s leaves room; a person not through by then is not coming
 * through the mesh either (the others have moved).
 */
export const HANDOVER_MAX_MS = 8_000;

export class MeshHandover {
  readonly #mesh: MediaTopology;
  readonly #viaSfu = new Set<string>();
  readonly #everyone: () => string[];
  #done = false;

  constructor(mesh: MediaTopology, lifetime: Lifetime, everyone: () => string[]) {
    this.#mesh = mesh;
    this.#everyone = everyone;
    lifetime.slot().arm(HANDOVER_MAX_MS, () => this.finish());
    this.#finishIfComplete();
  }

  get done(): boolean {
    return this.#done;
  }

  /** Whether what the mesh reports about this person still matters (their SFU media has not come yet). */
  meshShows(peerId: string): boolean {
    return !this.#done && !this.#viaSfu.has(peerId);
  }

  /**
   * A signal the SFU does not take (an answer, a candidate, an ICE restart of
   * a mesh link) that comes while the mesh is still up: the mesh's, so the
   * links that carry media until the SFU's arrives keep negotiating. After the
   * handover there is no mesh to give it to (false).
   */
  meshSignal(from: string, data: unknown): boolean {
    if (this.#done) return false;
    this.#mesh.handleSignal(from, data);
    return true;
  }

  /** This person's media came through the SFU. */
  arrived(peerId: string): void {
    this.#viaSfu.add(peerId);
    this.#finishIfComplete();
  }

  finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#mesh.close();
  }

  #finishIfComplete(): void {
    if (this.#everyone().every((id) => this.#viaSfu.has(id))) this.finish();
  }
}
