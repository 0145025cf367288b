/**
 * Caps how many slow jobs (scrypt hashes) run at once, and how many may wait.
 *
 * Node runs crypto.scrypt on the libuv pool (4 threads by default), which also
 * serves file reads and DNS. Unbounded, a burst of log-ins from many addresses
 * would take every pool thread (and 128 MiB each) and stall static files. With
 * a gate, the burst waits in line here instead, and past the line's end it is
 * told to come back later.
 */
import { AppError } from '../app-error.js';

export class WorkGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
    private readonly busyRetryMs = 1000,
  ) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new AppError('rate_limited', 'the server is busy; try again shortly', this.busyRetryMs);
      }
      // The slot is handed over directly by the finishing job (running is not decremented).
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
