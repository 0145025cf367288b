/**
 * Builds the renderer (the preact UI and the call engine) once, with Vite, into
 * dist/web/: the web client the signaling server serves by default
 * (signaling/src/cli-options.ts, BUNDLED_WEB_ROOT). scripts/build-desktop.mjs
 * copies the same output into dist/desktop/renderer/ for the Electron window.
 *
 * The server sends a strict CSP (signaling/src/http/content-security-policy.ts):
 * `script-src 'self'; style-src 'self'`. So the output has no inline script
 * and no inline <style>: one module entry script, one stylesheet <link>, and
 * no module-preload polyfill (Chromium 120 has modulepreload natively; Vite
 * would otherwise bundle the polyfill, but never inline it). The same policy
 * is written into index.html as a <meta> at build time only, because Vite's
 * dev server injects inline styles for hot reload.
 *
 * Workers (`new Worker(new URL('./x.ts', import.meta.url), { type: 'module' })`,
 * e.g. the frame-crypto worker of src/renderer/engine/sfu/e2ee/) are emitted as
 * files of their own under assets/, as ES modules: allowed by `script-src
 * 'self'` (the web policy has no worker-src, so it falls back to it) and by the
 * desktop window's `worker-src 'self'` (src/main/security/app-protocol.ts).
 */
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { CSP_FOR_META } from './signaling/src/http/content-security-policy.js';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

function cspMeta(): Plugin {
  return {
    name: 'merimeet-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_FOR_META }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root: 'src/renderer',
  // Relative asset URLs: the same files work under https://host/ and in the desktop window.
  base: './',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: true }), cspMeta()],
  define: { __MERIMEET_VERSION__: JSON.stringify(pkg.version) },
  worker: { format: 'es' },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // Never turn a small asset into a data: URL inside the CSS or JS.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
