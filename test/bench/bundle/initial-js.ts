/**
 * The JavaScript a browser must fetch before the web client can run: the
 * scripts index.html names (`<script src>` and `<link rel="modulepreload">`)
 * plus every module they import statically, transitively. Dynamic
 * `import()` chunks are not initial and are left out.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const SCRIPT_SRC = /<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi;
const MODULE_PRELOAD = /<link\b(?=[^>]*\brel\s*=\s*["']?modulepreload)[^>]*\bhref\s*=\s*["']([^"']+)["']/gi;
/** `import x from "./a.js"`, `import{a}from"./a.js"`, `import "./a.js"`, `export * from "./a.js"` — not `import(`. */
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;

/** Paths (relative to webRoot) of the initial JS files, in discovery order. */
export function initialScripts(webRoot: string): string[] {
  const html = readFileSync(join(webRoot, 'index.html'), 'utf8');
  const local = (url: string) => !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url);
  const entries = [...html.matchAll(SCRIPT_SRC), ...html.matchAll(MODULE_PRELOAD)]
    .map((m) => m[1]!)
    .filter(local)
    .map((url) => normalize(url.replace(/^\//, '').split(/[?#]/)[0]!));
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(webRoot, file), 'utf8');
    for (const m of code.matchAll(STATIC_IMPORT)) {
      queue.push(relative(webRoot, join(webRoot, dirname(file), m[1]!)));
    }
  }
  return [...seen];
}
