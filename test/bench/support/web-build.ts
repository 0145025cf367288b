/**
 * The built web client (dist/web) the `bundle` and `call` benchmarks measure.
 * Built once per run (both benchmarks share it), so the numbers are always
 * about the code in the tree, never a stale build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

export const WEB_ROOT = join(ROOT, 'dist', 'web');

let built = false;

/** `npm run build:web` unless told to reuse dist/web (`--build 0`) or already done in this run. */
export function ensureWebBuild(build: boolean, log: (line: string) => void): string {
  if (build && !built) {
    log('building the web client (npm run build:web)');
    const result = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`npm run build:web failed:\n${result.stderr?.toString() ?? ''}`);
    built = true;
  }
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error(`no web client in ${WEB_ROOT}; run without --build 0`);
  return WEB_ROOT;
}
