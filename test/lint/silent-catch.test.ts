/**
 * Proves the lint step refuses a silent catch in src/ and signaling/src/: a
 * `.catch(() => …)` that takes no error, or a `catch {}` with nothing in it.
 * A failure is either surfaced to the person, reported to the engine's sink
 * (src/renderer/engine/failures.ts), logged with its scope, or handled (a
 * `catch { return null; }` that turns "not valid" into a result is fine).
 * Linted from memory with virtual paths, like import-rules.test.ts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const SILENT = [
  `export const x = (p: Promise<void>) => p.catch(() => undefined);`,
  `export const x = (p: Promise<void>) => p.catch(() => {});`,
  `export function x(f: () => void) {\n  try {\n    f();\n  } catch {\n    // fine, really\n  }\n}`,
  `export function x(f: () => void) {\n  try {\n    f();\n  } catch (err) {}\n}`,
];

const HANDLED = [
  `export const x = (p: Promise<void>) => p.catch((err: unknown) => console.warn('meriMeet: x failed', err));`,
  `export function x(s: string): unknown {\n  try {\n    return JSON.parse(s);\n  } catch {\n    return null;\n  }\n}`,
];

describe('no silent catch', () => {
  for (const file of ['src/renderer/engine/probe.ts', 'src/main/probe.ts', 'signaling/src/probe.ts']) {
    it(`refuses each silent form in ${path.dirname(file)}`, async () => {
      for (const code of SILENT) expect(await messages(file, code), code).toEqual([expect.stringMatching(/silent/)]);
    });

    it(`lets a handled failure through in ${path.dirname(file)}`, async () => {
      for (const code of HANDLED) expect(await messages(file, code), code).toEqual([]);
    });
  }
});
