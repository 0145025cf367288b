/**
 * Runs Electronegativity (@doyensec/electronegativity) over one directory and
 * prints its findings as JSON on stdout. Run as a child process by
 * electronegativity.test.ts.
 *
 * Offline: on every run Electronegativity tries to download translations and
 * Electron's release list from GitHub (with `got`). Tests never reach the
 * internet, so `got` is replaced by a function that fails at once; the tool
 * then falls back to its bundled English texts and skips the release-list
 * check (which only says "a newer Electron exists"). The scan itself is
 * untouched.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose: it must patch require() before the tool loads
const Module = require('node:module');

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'got') return () => Promise.reject(new Error('offline: tests do not reach the internet'));
  return load.call(this, request, ...rest);
};

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the tool is CommonJS
const run = require('@doyensec/electronegativity/dist/runner.js');

(async () => {
  const input = process.argv[2];
  const electronVersion = process.argv[3];
  const quiet = console.log;
  console.log = () => undefined; // its progress chatter; the result goes to stdout below
  const result = await run({ input, isRelative: true, electronVersionOverride: electronVersion });
  console.log = quiet;
  process.stdout.write(
    JSON.stringify({
      checks: result.globalChecks + result.atomicChecks,
      errors: result.errors,
      issues: result.issues.map((i) => ({
        id: i.id,
        file: i.file,
        line: i.location.line,
        severity: i.severity.name,
        confidence: i.confidence.name,
        description: i.description,
      })),
    }),
  );
})().catch((err) => {
  process.stderr.write(`electronegativity failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
