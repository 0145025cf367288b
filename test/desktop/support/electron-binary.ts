/**
 * Where an Electron binary is, without ever triggering the `electron`
 * package's lazy download (which is what `require('electron')` would do):
 * ELECTRON_OVERRIDE_DIST_PATH, else a binary the package already downloaded.
 * Returns the reason when there is none, for the skip message.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function findElectronBinary(root: string): { path: string } | { reason: string } {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, relative) : existsSync(pathFile) ? path.join(pkg, 'dist', relative) : null;
  if (candidate === null) {
    return {
      reason:
        'no Electron binary: the electron package has not downloaded one (node_modules/electron/path.txt is missing; ' +
        'its download server is not reachable from this machine) and ELECTRON_OVERRIDE_DIST_PATH is not set',
    };
  }
  try {
    accessSync(candidate, constants.X_OK);
  } catch {
    return { reason: `no runnable Electron binary at ${candidate}` };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: `Electron is at ${candidate}, but there is no display (DISPLAY/WAYLAND_DISPLAY unset; try xvfb-run)` };
  }
  return { path: candidate };
}
