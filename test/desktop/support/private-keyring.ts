/**
 * vitest globalSetup for the `desktop` project: a REAL Secret Service for the
 * keychain tests, private to this run (ENVIRONMENT.md, "A real OS keychain,
 * headless"):
 *   1. a private D-Bus session bus (dbus-daemon --session --nofork);
 *   2. gnome-keyring-daemon --foreground --unlock --components=secrets on it,
 *      with a throwaway HOME, unlocked with a non-empty password on stdin.
 * Its address is handed to the tests (provide/inject); both daemons are
 * stopped by PID afterwards and the throwaway HOME removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    dbusAddress: string;
    keyringHome: string;
  }
}

function firstLine(child: ChildProcess, what: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no output within ${timeoutMs} ms. ${err}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, newline));
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${what} could not start: ${e.message} (scripts/setup.sh installs dbus and gnome-keyring)`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited early (${code}): ${err}`));
    });
  });
}

/** Runs a command on the private bus; resolves with its exit code (-1 if it could not start). */
function onBus(address: string, home: string, command: string, args: string[], input?: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, HOME: home },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'],
    });
    child.once('exit', (code) => resolve(code ?? -1));
    child.once('error', () => resolve(-1));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Ready means a secret can be STORED: the daemon owns org.freedesktop.secrets
 * and has created and unlocked the login collection from the password on its
 * stdin. (A lookup alone answers before the collection exists; under load
 * that gap is long enough for the first test to hit "Object does not exist
 * at path /org/freedesktop/secrets/collection/login".)
 */
async function waitForSecretService(address: string, home: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await onBus(address, home, 'secret-tool', ['store', '--label=merimeet readiness probe', 'service', 'merimeet-probe', 'account', 'ready'], 'x');
    if (stored === 0) {
      await onBus(address, home, 'secret-tool', ['clear', 'service', 'merimeet-probe', 'account', 'ready']);
      return;
    }
    if (Date.now() > deadline) throw new Error(`gnome-keyring could not store a secret within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = await mkdtemp(join(tmpdir(), 'merimeet-keyring-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_RUNTIME_DIR: home, XDG_DATA_HOME: join(home, ".local", "share") };
  delete env.DISPLAY;
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let keyring: ChildProcess | undefined;
  const stop = async () => {
    for (const child of [keyring, bus]) {
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    }
    await rm(home, { recursive: true, force: true });
  };
  try {
    const address = (await firstLine(bus, 'dbus-daemon')).trim();
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: { ...env, DBUS_SESSION_BUS_ADDRESS: address },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    keyring.once('error', () => undefined);
    // A non-empty password: an empty one makes the daemon wait for a prompt that never comes.
    keyring.stdin?.end('merimeet-test-keyring');
    await waitForSecretService(address, home);
    project.provide('dbusAddress', address);
    project.provide('keyringHome', home);
  } catch (err) {
    await stop();
    throw err;
  }
  return stop;
}
