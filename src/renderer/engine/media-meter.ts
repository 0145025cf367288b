/**
 * The call's meters: connection stats, quality and safety codes every
 * STATS_INTERVAL_MS, and audio levels with the active speaker every
 * LEVEL_INTERVAL_MS. Reads go through the media topology; what they mean for
 * the state is in roster.ts (withPeerPatches, withLevels).
 */
import type { CallState, Participant } from './call-state.js';
import type { MediaTopology } from './media-topology.js';
import { withLevels, withPeerPatches } from './roster.js';
import { certificatesOf, safetyCode } from './safety-code.js';
import type { Lifetime } from './session/lifetime.js';
import { INITIAL_SPEAKER_STATE, computePeerStats, nextSpeaker, rateQuality, smoothLevel, type SpeakerState, type StatsSnapshot } from './stats.js';
import type { Store } from './store.js';

export interface MediaMeterOptions {
  lifetime: Lifetime;
  store: Store<CallState>;
  topology: () => MediaTopology | null;
  statsIntervalMs: number;
  levelIntervalMs: number;
}

export class MediaMeter {
  readonly #o: MediaMeterOptions;
  /** Each peer's counters at the previous stats read (rates are differences). */
  readonly #statsPrev = new Map<string, StatsSnapshot>();
  /** Smoothed levels, ours included, by peer id. */
  readonly #levels = new Map<string, number>();
  #speaker: SpeakerState = INITIAL_SPEAKER_STATE;
  /** A level poll is running (getStats is async; never two at once). */
  #pollingLevels = false;
  #started = false;

  constructor(options: MediaMeterOptions) {
    this.#o = options;
  }

  /** Starts both polls (once per session; they stop with its lifetime). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#o.lifetime.interval(this.#o.statsIntervalMs, () => void this.pollStats());
    this.#o.lifetime.interval(this.#o.levelIntervalMs, () => void this.pollLevels());
  }

  /** This person's connection was replaced or is gone: its counters and level start over. */
  forget(peerId: string): void {
    this.#statsPrev.delete(peerId);
    this.#levels.delete(peerId);
    if (this.#speaker.speakerId === peerId) this.#speaker = INITIAL_SPEAKER_STATE;
  }

  /** Everyone is gone (a rejoin as a new peer). */
  reset(): void {
    this.#statsPrev.clear();
    this.#levels.clear();
    this.#speaker = INITIAL_SPEAKER_STATE;
  }

  async pollStats(): Promise<void> {
    const topology = this.#o.topology();
    if (!topology || this.#o.lifetime.ended) return;
    const reports = await topology.readReports();
    if (this.#o.lifetime.ended) return;
    const patches = new Map<string, Partial<Participant>>();
    for (const [id, { records, fingerprints, safetyCodeFromTopology }] of reports) {
      const { stats, snapshot } = computePeerStats(records, this.#statsPrev.get(id) ?? null);
      this.#statsPrev.set(id, snapshot);
      if (safetyCodeFromTopology) {
        patches.set(id, { stats, quality: rateQuality(stats) });
        continue;
      }
      const certs = certificatesOf(records) ?? fingerprints;
      const code = certs ? await safetyCode(certs.local, certs.remote) : null;
      patches.set(id, { stats, quality: rateQuality(stats), safetyCode: code });
    }
    if (this.#o.lifetime.ended) return;
    this.#o.store.update((st) => withPeerPatches(st, patches));
  }

  /** Samples every level now (also on mute, so a muted speaker loses the highlight at once). */
  async pollLevels(): Promise<void> {
    const topology = this.#o.topology();
    if (!topology || this.#o.lifetime.ended || this.#pollingLevels) return;
    this.#pollingLevels = true;
    let sampled;
    try {
      sampled = await topology.readAudioLevels();
    } finally {
      this.#pollingLevels = false;
    }
    if (this.#o.lifetime.ended) return;
    const st = this.#o.store.get();
    const levels = new Map<string, number>();
    const muted = new Set<string>();
    const take = (id: string, isMuted: boolean, raw: number | null | undefined) => {
      const level = smoothLevel(this.#levels.get(id) ?? 0, isMuted ? 0 : (raw ?? 0));
      this.#levels.set(id, level);
      levels.set(id, level);
      if (isMuted) muted.add(id);
    };
    for (const p of st.peers) take(p.peerId, p.muted, sampled.remote.get(p.peerId));
    if (st.local.peerId !== null) take(st.local.peerId, st.local.muted, sampled.local);
    this.#speaker = nextSpeaker(this.#speaker, { levels, muted, now: Date.now() });
    this.#o.store.update((cur) => withLevels(cur, levels, this.#speaker.speakerId));
    if (sampled.localMeasurable === false) this.#o.store.update((cur) => (cur.ownLevelNotice === 'none' ? { ...cur, ownLevelNotice: 'shown' } : cur));
  }
}
