/**
 * Commands from outside the page (tray, global shortcut, merimeet:// links),
 * kept while nobody listens: the bridge delivers them from the first moment
 * of the page, but the shell listens only after its first render, and
 * re-subscribes whenever the route changes. A command in such a gap waits
 * here and goes to the next listener, in order, instead of being lost.
 */
import type { PlatformCommand } from './platform.js';

/** More than this many clicks before the page listens are stale; the oldest go first. */
export const MAX_WAITING_COMMANDS = 16;

export class CommandQueue {
  #waiting: PlatformCommand[] = [];
  #listener: ((command: PlatformCommand) => void) | null = null;

  push(command: PlatformCommand): void {
    if (this.#listener) return this.#listener(command);
    this.#waiting.push(command);
    if (this.#waiting.length > MAX_WAITING_COMMANDS) this.#waiting.shift();
  }

  /** One listener at a time (the shell's); it first gets what waited. Returns how to stop listening. */
  listen(listener: (command: PlatformCommand) => void): () => void {
    this.#listener = listener;
    for (const command of this.#waiting.splice(0)) {
      if (this.#listener !== listener) break; // it stopped listening while handling one
      listener(command);
    }
    return () => {
      if (this.#listener === listener) this.#listener = null;
    };
  }
}
