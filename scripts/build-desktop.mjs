#!/usr/bin/env node
/**
 * Bundles the desktop app with esbuild into dist/desktop/:
 *   main/index.js      Electron main (ESM, Node platform; native and Electron modules stay external)
 *   preload/index.cjs  sandboxed preload (one CommonJS file: sandboxed preloads cannot load ESM or other files)
 *   renderer/          the preact UI (browser, IIFE) and its index.html
 * and the same renderer into dist/web/, the web client that the signaling
 * server serves by default (signaling/src/cli-options.ts, BUNDLED_WEB_ROOT).
 *
 * Usage: node scripts/build-desktop.mjs [--watch] [--dev] [--help]
 */
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const HELP = `Usage: node scripts/build-desktop.mjs [options]

Bundles the meriMeet desktop app (main, preload, renderer) into dist/desktop/,
and the renderer again into dist/web/ (the web client the server serves).

Options:
  --dev      no minification, inline source maps
  --watch    rebuild on change (implies --dev)
  -h, --help show this help
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(root, 'dist', 'desktop');
const webRoot = path.join(root, 'dist', 'web');

/** Modules resolved at run time by Electron or rebuilt natively for it; never bundled. */
const mainExternals = ['electron', 'keytar', 'electron-store', 'better-sqlite3'];

async function main() {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h' },
      dev: { type: 'boolean' },
      watch: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const dev = Boolean(values.dev || values.watch);
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

  /** @type {import('esbuild').BuildOptions} */
  const common = {
    bundle: true,
    absWorkingDir: root,
    target: 'es2022',
    sourcemap: dev ? 'inline' : true,
    minify: !dev,
    legalComments: 'linked',
    logLevel: 'info',
    define: { __MERIMEET_VERSION__: JSON.stringify(pkg.version) },
  };

  /** @type {import('esbuild').BuildOptions} */
  const renderer = {
    ...common,
    entryPoints: ['src/renderer/main.tsx'],
    platform: 'browser',
    // A classic script: module scripts do not load from file:// once the
    // grantFileProtocolExtraPrivileges fuse is off.
    format: 'iife',
    target: ['chrome120'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
  };

  /** @type {import('esbuild').BuildOptions[]} */
  const builds = [
    {
      ...common,
      entryPoints: ['src/main/index.ts'],
      outfile: path.join(outRoot, 'main', 'index.js'),
      platform: 'node',
      format: 'esm',
      // Electron 45 runs Node 22.
      target: 'node22',
      external: mainExternals,
    },
    {
      ...common,
      entryPoints: ['src/preload/index.ts'],
      outfile: path.join(outRoot, 'preload', 'index.cjs'),
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['electron'],
    },
    { ...renderer, outdir: path.join(outRoot, 'renderer') },
    { ...renderer, outdir: webRoot },
  ];

  for (const dir of [outRoot, webRoot]) await rm(dir, { recursive: true, force: true });
  for (const dir of [path.join(outRoot, 'renderer'), webRoot]) {
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(root, 'src', 'renderer', 'index.html'), path.join(dir, 'index.html'));
  }

  if (values.watch) {
    const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
    process.stdout.write('Watching for changes (index.html is copied once; restart to pick up edits to it).\n');
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

main().catch((error) => {
  process.stderr.write(`build-desktop: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
