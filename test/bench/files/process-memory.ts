/**
 * How much memory one Chromium uses: the proportional set size (PSS: shared
 * pages split among their users, so a tree's sum does not double-count) of
 * its browser process and every descendant (renderers, GPU, utility), read
 * from /proc. The browser is found by the profile directory on its command
 * line, so each person runs in a browser of their own.
 */
import { readdirSync, readFileSync } from 'node:fs';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended between listing and reading
  }
}

function processes(): { pid: number; ppid: number; cmdline: string }[] {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    const cmdline = read(`/proc/${entry}/cmdline`);
    if (stat === null || cmdline === null) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; ppid follows the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    out.push({ pid: Number(entry), ppid, cmdline: cmdline.replaceAll('\0', ' ') });
  }
  return out;
}

/** The pid of the Chromium whose profile is `userDataDir`. */
export function browserPid(userDataDir: string): number {
  const all = processes();
  const mine = all.filter((p) => p.cmdline.includes(`--user-data-dir=${userDataDir}`));
  const pids = new Set(mine.map((p) => p.pid));
  const root = mine.find((p) => !pids.has(p.ppid));
  if (!root) throw new Error(`no Chromium with --user-data-dir=${userDataDir}`);
  return root.pid;
}

function pssKiB(pid: number): number {
  const rollup = read(`/proc/${pid}/smaps_rollup`);
  const pss = rollup?.match(/^Pss:\s+(\d+) kB/m);
  if (pss) return Number(pss[1]);
  const status = read(`/proc/${pid}/status`); // no smaps_rollup: RSS, which over-counts shared pages
  return Number(status?.match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? 0);
}

/** Bytes of PSS of `root` and all its descendants, now. */
export function treeMemory(root: number): number {
  const all = processes();
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += pssKiB(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total * 1024;
}

/** Samples treeMemory for each named browser every `everyMs` until stopped; reports the peaks. */
export function sampleMemory(browsers: Record<string, number>, everyMs = 200) {
  const peak: Record<string, number> = {};
  let running = true;
  const tick = () => {
    if (!running) return;
    for (const [name, pid] of Object.entries(browsers)) peak[name] = Math.max(peak[name] ?? 0, treeMemory(pid));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    /** Stops sampling (again is harmless) and returns the peak bytes per browser. */
    stop(): Record<string, number> {
      tick();
      running = false;
      clearInterval(timer);
      return peak;
    },
  };
}
