/**
 * The "bundle" benchmark: how many gzipped bytes of JavaScript the web client
 * needs before it can show anything (initial-js.ts decides which files), as
 * built from the tree (`npm run build:web`). Target: ≤ 80 kB gzipped
 * (kB = 1000 bytes, as Vite reports it; gzip at zlib's default level 6, what
 * servers use on the fly).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Benchmark, BenchReport } from '../support/benchmark.js';
import { ensureWebBuild } from '../support/web-build.js';
import { initialScripts } from './initial-js.js';

const TARGET_BYTES = 80_000;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

export const bundleBenchmark: Benchmark = {
  name: 'bundle',
  summary: 'initial JavaScript of the built web client (dist/web), gzipped, vs the 80 kB target',
  options: {
    build: { default: 1, help: '1 builds the web client first; 0 measures the existing dist/web' },
  },

  async run(o, ctx): Promise<BenchReport> {
    const webRoot = ensureWebBuild(o.build !== 0, ctx.log);
    const files = initialScripts(webRoot).map((file) => {
      const raw = readFileSync(join(webRoot, file));
      return { file, bytes: raw.length, gzipBytes: gzipSync(raw).length };
    });
    const total = files.reduce((sum, f) => sum + f.gzipBytes, 0);
    const rawTotal = files.reduce((sum, f) => sum + f.bytes, 0);
    return {
      results: { files, bytes: rawTotal, gzipBytes: total },
      targets: [{ name: 'initial JS, gzipped', required: `≤ ${kb(TARGET_BYTES)}`, measured: kb(total), pass: total <= TARGET_BYTES }],
      tables: [
        {
          title: 'Initial JavaScript (dist/web)',
          columns: ['file', 'bytes', 'gzipped'],
          rows: [...files.map((f) => [f.file, kb(f.bytes), kb(f.gzipBytes)]), ['total', kb(rawTotal), kb(total)]],
        },
      ],
      notes: files.length === 0 ? ['index.html names no script: nothing measured'] : [],
    };
  },
};
