/**
 * Servers under test run as their own processes, so that their memory can be
 * read alone (/proc/PID/status) and their CPU is not shared with the clients'
 * event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { trackChild } from './cleanup.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Started {
  child: ChildProcess;
  pid: number;
  match: RegExpMatchArray;
  output: () => string;
}

/**
 * Runs a TypeScript entry point with `node [nodeArgs] --import tsx FILE ARGS`
 * (one process: tsx is only a loader) and resolves once its output matches
 * `ready`, the line a server prints when it listens.
 */
export async function startTs(
  file: string,
  args: string[],
  ready: RegExp,
  options: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<Started> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', file, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let text = '';
  // Keep only the tail: a chatty server must not grow our memory.
  const keep = (d: Buffer) => (text = (text + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let match: RegExpMatchArray | null;
  while (!(match = text.match(ready))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${file} exited before it was ready:\n${text}`);
    if (Date.now() > deadline) {
      stopNow(child);
      throw new Error(`${file} not ready after ${options.timeoutMs ?? 30_000} ms:\n${text}`);
    }
    await sleep(50);
  }
  return { child, pid: child.pid!, match, output: () => text };
}

/** SIGTERM (a graceful stop lets --cpu-prof write its profile), SIGKILL if it lingers. */
export async function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => stopNow(child), graceMs);
  await exited;
  clearTimeout(timer);
}

function stopNow(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Resident set size of a process, in bytes (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) * 1024;
}

/** The soft and hard limits on open files for this process (children inherit them). */
export function fileLimit(): { soft: number; hard: number } | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\S+)\s+(\S+)/m);
    if (!line) return null;
    const n = (s: string) => (s === 'unlimited' ? Infinity : Number(s));
    return { soft: n(line[1]!), hard: n(line[2]!) };
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) a process has used so far (Linux; USER_HZ is 100 on every Linux ABI). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds the whole machine has spent running processes (user, nice and
 * system time of all cores), from /proc/stat. Interrupt and softirq time is
 * left out: loopback networking runs there and belongs to no process, so
 * counting it would blame "other processes" for our own sockets' work.
 */
export function machineBusySeconds(): number {
  const [user = 0, nice = 0, system = 0] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system) / 100;
}
