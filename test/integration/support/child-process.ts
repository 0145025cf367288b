/** Stopping a helper server the test started: by its PID, politely first, then for sure. */
import type { ChildProcess } from 'node:child_process';

/** Sends `signal`, and SIGKILL if the process is still there after `budgetMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, budgetMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), budgetMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `ready` until it resolves true, failing with the child's output if it exits or the budget runs out. */
export async function waitFor(what: string, ready: () => Promise<boolean>, budgetMs: number, child?: ChildProcess, log = () => ''): Promise<void> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}:\n${log()}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${budgetMs} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
