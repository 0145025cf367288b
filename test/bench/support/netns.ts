/**
 * The browser benchmarks run where the e2e suite runs: in a network namespace
 * with only loopback, so no candidate or packet leaves the machine and the
 * numbers do not depend on whatever interfaces the host has.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { trackChild } from './cleanup.js';
import { ROOT } from './processes.js';

/** Interface names of the current network namespace (/proc/net follows the namespace; /sys/class/net does not). */
export function interfaces(): string[] {
  return readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]!.trim())
    .filter(Boolean);
}

export function loopbackOnly(): boolean {
  const names = interfaces();
  return names.length === 1 && names[0] === 'lo';
}

/**
 * Runs `node --import tsx FILE ARGS` in a fresh loopback-only namespace
 * (`unshare -n`; `-r -n` when not root) and resolves with its stdout;
 * `defaultRoute` adds a default route into lo (for Firefox).
 * Its stderr (progress) passes through.
 */
export async function runInLoopbackNamespace(file: string, args: string[], options: { defaultRoute?: boolean } = {}): Promise<string> {
  const flags = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
  // Firefox gathers no ICE candidate at all without a default route (scripts/e2e.sh adds the same
  // one); it points back into lo, the only interface, so nothing can leave.
  const route = options.defaultRoute ? ' && ip route add default dev lo src 127.0.0.1' : '';
  const script = `ip link set lo up${route} && exec "$@"`;
  const child = spawn('unshare', [...flags, '--', 'bash', '-c', script, 'netns', process.execPath, '--import', 'tsx', file, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  trackChild(child);
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) {
    throw new Error(
      `the benchmark in a loopback-only network namespace exited with ${code}: see its error above` +
        ` (if it never started: unshare ${flags.join(' ')} needs root, or unprivileged user namespaces)`,
    );
  }
  return stdout;
}
