/**
 * Every process an end-to-end test starts on its own (a signaling server it
 * kills and restarts, a coturn relay) is registered here, so it is stopped by
 * its PID even when the test fails or the worker exits early. Tests stop
 * their daemons themselves in `finally`; this is the safety net.
 */
const running = new Map<number, string>();

export function track(pid: number, name: string): void {
  running.set(pid, name);
}

export function untrack(pid: number): void {
  running.delete(pid);
}

/** SIGKILL to every tracked PID still registered (synchronous: also usable from process 'exit'). */
export function killAllTracked(): void {
  for (const pid of running.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  running.clear();
}

process.once('exit', killAllTracked);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllTracked();
    process.kill(process.pid, signal);
  });
}

/** Resolves when `pid` no longer exists (polling; the caller sent the signal). */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isAlive(pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
