/** The last {@link WINDOW} durations of one operation, for p50/p95 in stats() (nearest-rank percentiles). */
const WINDOW = 1024;

export class FrameTimings {
  readonly #samples = new Float64Array(WINDOW);
  #count = 0;

  record(ms: number): void {
    this.#samples[this.#count % WINDOW] = ms;
    this.#count++;
  }

  percentiles(): { p50: number; p95: number } {
    const n = Math.min(this.#count, WINDOW);
    if (n === 0) return { p50: 0, p95: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    const rank = (p: number) => sorted[Math.min(n - 1, Math.ceil(p * n) - 1)]!;
    return { p50: rank(0.5), p95: rank(0.95) };
  }
}
