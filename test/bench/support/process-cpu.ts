/**
 * CPU time of a process and every process under it (a browser and its
 * renderer, GPU and utility processes), from /proc/PID/stat. Read twice
 * around a window, the difference is what that tree spent in the window.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of utime and stime in /proc/PID/stat. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** user + system, in seconds */
  cpuSeconds: number;
}

function readStat(pid: string): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // the process ended between listing /proc and reading it: it is not in the tree any more
  }
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(3) ppid(4) … utime(14) stime(15), so index = field − 3.
  return { pid: Number(pid), ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

/** Seconds of CPU spent so far by `rootPid` and all its descendants alive now. */
export function treeCpuSeconds(rootPid: number): number {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(readStat)
    .filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let total = stats.find((s) => s.pid === rootPid)?.cpuSeconds ?? 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      total += child.cpuSeconds;
      queue.push(child.pid);
    }
  }
  return total;
}
