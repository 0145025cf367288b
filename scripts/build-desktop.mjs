#!/usr/bin/env node
/**
 * Builds the desktop app into dist/desktop/:
 *   main/index.js      Electron main (esbuild; ESM, Node platform; native and Electron modules stay external)
 *   preload/index.cjs  sandboxed preload (esbuild; one CommonJS file: sandboxed preloads cannot load ESM or other files)
 *   renderer/          the preact UI: a copy of dist/web/
 *
 * The renderer is built ONCE, by Vite (vite.config.ts), into dist/web/ — the
 * web client that the signaling server serves by default — and copied from
 * there, so the desktop window and the browser run the very same files.
 *
 * Note: Vite emits a module script (`<script type="module">`), and module
 * scripts do not load from file:// once the grantFileProtocolExtraPrivileges
 * fuse is off. The desktop window therefore loads the renderer from
 * `app://merimeet/` (registered as standard + secure, served from
 * dist/desktop/renderer/ by src/main/security/app-protocol.ts).
 *
 * Usage: node scripts/build-desktop.mjs [--watch] [--dev] [--help]
 */
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';

const HELP = `Usage: node scripts/build-desktop.mjs [options]

Builds the meriMeet desktop app (main, preload) into dist/desktop/, and the
renderer with Vite into dist/web/ (the web client the server serves), copied
to dist/desktop/renderer/.

Options:
  --dev      no minification, inline source maps
  --watch    rebuild on change (implies --dev)
  -h, --help show this help
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(root, 'dist', 'desktop');
const webRoot = path.join(root, 'dist', 'web');

/** Modules resolved at run time by Electron or rebuilt natively for it; never bundled. */
const mainExternals = ['electron', 'keytar', 'electron-store', 'electron-updater', 'better-sqlite3'];

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
  ];

  await rm(outRoot, { recursive: true, force: true });
  const rendererOut = path.join(outRoot, 'renderer');
  /** After every renderer build: dist/web/ → dist/desktop/renderer/. */
  const copyRenderer = async () => {
    await rm(rendererOut, { recursive: true, force: true });
    await mkdir(outRoot, { recursive: true });
    await cp(webRoot, rendererOut, { recursive: true });
  };
  /** @type {import('vite').InlineConfig} */
  const vite = {
    configFile: path.join(root, 'vite.config.ts'),
    mode: dev ? 'development' : 'production',
    logLevel: 'info',
    build: {
      minify: !dev,
      ...(values.watch ? { watch: {} } : {}),
    },
    plugins: [{ name: 'merimeet-copy-to-desktop', apply: 'build', closeBundle: copyRenderer }],
  };

  if (values.watch) {
    const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
    await viteBuild(vite);
    process.stdout.write('Watching for changes.\n');
    return;
  }
  await Promise.all([...builds.map((options) => esbuild.build(options)), viteBuild(vite)]);
}

main().catch((error) => {
  process.stderr.write(`build-desktop: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
