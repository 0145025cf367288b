/**
 * Proves that eslint.config.js keeps files and functions short (issue 12): no
 * file in src/ or signaling/src/ longer than 400 physical lines, no function
 * longer than 120, tests and fixtures aside. The probes are written to disk,
 * into temporary `lint-probe-*` folders inside each part (gitignored, removed
 * afterwards), so they are matched by the same globs as the real files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const FILE = 'max-lines';
const FUNCTION = 'max-lines-per-function';

const PARTS = ['src/renderer/engine', 'src/renderer/ui', 'src/main', 'src/common', 'src/preload', 'signaling/src'];

/** A module of exactly `lines` physical lines (each a statement, so nothing else trips). */
function fileOf(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
}

/**
 * A module whose one function spans exactly `lines` lines, from its `function`
 * line to its closing brace, with the body made of `filler` lines.
 */
function functionOf(lines: number, filler: 'code' | 'blank' | 'comment' = 'code'): string {
  const body = Array.from({ length: lines - 4 }, (_, i) =>
    filler === 'code' ? `  total += ${i};` : filler === 'blank' ? '' : `  // note ${i}`,
  );
  const start = filler === 'code' ? '  let total = 0;' : '  const total = 0;';
  return ['export function long(): number {', start, ...body, '  return total;', '}', ''].join('\n');
}

let eslint: ESLint;
const probeDirs: string[] = [];

function writeProbe(part: string, name: string, code: string): string {
  const dir = fs.mkdtempSync(path.join(root, part, 'lint-probe-'));
  probeDirs.push(dir);
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code);
  return file;
}

async function rulesHit(file: string): Promise<string[]> {
  const [result] = await eslint.lintFiles([file]);
  if (result === undefined) throw new Error(`ESLint returned no result for ${file}`);
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

/**
 * ESLint's first file in each part loads the parser, the plugins and the
 * resolver's caches: seconds on a busy 2-core machine. That happens here, once,
 * with time to spare, so that each test's own timing is only its own work.
 */
beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  for (const part of PARTS) await rulesHit(writeProbe(part, 'warm-up.ts', fileOf(1)));
}, 120_000);

afterAll(() => {
  for (const dir of probeDirs) fs.rmSync(dir, { recursive: true, force: true });
});

// Linting is CPU-bound: shared cores slow it down many times over, never wrongly.
describe('length limits (eslint.config.js)', { timeout: 30_000 }, () => {
  describe.each(PARTS)('in %s', (part) => {
    it('accepts a 400-line file and rejects a 401-line one', async () => {
      expect(await rulesHit(writeProbe(part, 'at-limit.ts', fileOf(400)))).toEqual([]);
      expect(await rulesHit(writeProbe(part, 'over-limit.ts', fileOf(401)))).toEqual([FILE]);
    });

    it('accepts a 120-line function and rejects a 121-line one', async () => {
      expect(await rulesHit(writeProbe(part, 'at-limit.ts', functionOf(120)))).toEqual([]);
      expect(await rulesHit(writeProbe(part, 'over-limit.ts', functionOf(121)))).toEqual([FUNCTION]);
    });
  });

  it('counts physical lines: blank lines and comments count toward both limits', async () => {
    const blankFile = fileOf(200) + '\n'.repeat(201);
    const commentFile = fileOf(200) + '// why\n'.repeat(201);
    expect(await rulesHit(writeProbe('src/renderer/engine', 'blank.ts', blankFile))).toContain(FILE);
    expect(await rulesHit(writeProbe('signaling/src', 'comment.ts', commentFile))).toContain(FILE);
    expect(await rulesHit(writeProbe('src/renderer/engine', 'blank-fn.ts', functionOf(121, 'blank')))).toEqual([FUNCTION]);
    expect(await rulesHit(writeProbe('signaling/src', 'comment-fn.ts', functionOf(121, 'comment')))).toEqual([FUNCTION]);
  });

  it('counts arrow functions, methods and components (.tsx) alike', async () => {
    const body = Array.from({ length: 120 }, (_, i) => `    total += ${i};`).join('\n');
    const arrow = `export const long = (): number => {\n  let total = 0;\n${body}\n  return total;\n};\n`;
    const method = `export class Long {\n  run(): number {\n    let total = 0;\n${body}\n    return total;\n  }\n}\n`;
    const component = `export function Long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
    expect(await rulesHit(writeProbe('src/main', 'arrow.ts', arrow))).toEqual([FUNCTION]);
    expect(await rulesHit(writeProbe('signaling/src', 'method.ts', method))).toEqual([FUNCTION]);
    expect(await rulesHit(writeProbe('src/renderer/ui', 'component.tsx', component))).toEqual([FUNCTION]);
  });

  it('leaves tests and fixtures alone', async () => {
    const long = fileOf(401).replace('export const v0 = 0;', functionOf(121));
    expect(await rulesHit(writeProbe('src/renderer/engine', 'long.test.ts', long))).toEqual([]);
    expect(await rulesHit(writeProbe('signaling/src', '__fixtures__/long.ts', long))).toEqual([]);
    // The same text outside a test is rejected on both counts: the exemption is what made it pass.
    expect((await rulesHit(writeProbe('src/renderer/engine', 'long.ts', long))).sort()).toEqual([FILE, FUNCTION]);
  });

  it('exempts only the three files being split, and every other source file is held to both limits', async () => {
    const sources = [...walk(path.join(root, 'src')), ...walk(path.join(root, 'signaling/src'))]
      .map((file) => path.relative(root, file).split(path.sep).join('/'))
      .filter((file) => /\.(ts|tsx)$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.includes('__fixtures__/'));
    expect(sources.length).toBeGreaterThan(100);
    const exempt: string[] = [];
    for (const file of sources) {
      const config = (await eslint.calculateConfigForFile(path.join(root, file))) as { rules?: Record<string, unknown> };
      const severity = (rule: string) => {
        const entry = config.rules?.[rule];
        return Array.isArray(entry) ? entry[0] : entry;
      };
      const levels = [severity(FILE), severity(FUNCTION)];
      if (levels.some((level) => level !== 2)) exempt.push(file);
    }
    // No exemptions at all: every source file is held to both limits.
    expect(exempt).toEqual([]);
  });
});

function* walk(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('lint-probe-')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}
