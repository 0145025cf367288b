/**
 * Proves that eslint.config.js enforces DESIGN.md's "where things may reach":
 * for every boundary, a violating import is rejected by the rule that owns it,
 * and a legal import passes with no message at all. The files are linted from
 * memory (ESLint's lintText with a virtual path), so nothing is written to the
 * source tree; imports resolve against the real repository. The one exception
 * is the import-cycle check: a cycle needs every file in it on disk (the rule
 * parses the files an import leads to), so those probes are written to a
 * temporary folder inside each part (gitignored: lint-probe-*) and removed
 * afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const ZONES = 'import-x/no-restricted-paths';
const NODE = 'import-x/no-nodejs-modules';
const NAMES = '@typescript-eslint/no-restricted-imports';
const UNRESOLVED = 'import-x/no-unresolved';
const CYCLE = 'import-x/no-cycle';
const BOUNDARY_RULES = [ZONES, NODE, NAMES];

interface Violation {
  /** Virtual file, relative to the repository root. */
  readonly file: string;
  readonly code: string;
  /** The rule that must reject it. */
  readonly rule: string;
}

const violations: Record<string, Violation[]> = {
  'signaling/ imports nothing from src/': [
    {
      file: 'signaling/src/probe.ts',
      code: `import { PRODUCT_NAME } from '../../src/common/app-info.js';\nexport const x = PRODUCT_NAME;`,
      rule: ZONES,
    },
    {
      file: 'signaling/src/handlers/probe.ts',
      code: `export const x = await import('../../../src/main/security/window-policy.js');`,
      rule: ZONES,
    },
  ],
  'the protocol is environment-free (valibot and itself only)': [
    { file: 'signaling/src/protocol/probe.ts', code: `import { createHash } from 'node:crypto';\nexport const x = createHash;`, rule: NODE },
    { file: 'signaling/src/protocol/probe.ts', code: `import { app } from 'electron';\nexport const x = app;`, rule: ZONES },
    { file: 'signaling/src/protocol/probe.ts', code: `import { WebSocket } from 'ws';\nexport const x = WebSocket;`, rule: ZONES },
    { file: 'signaling/src/protocol/probe.ts', code: `import pkg from '../../package.json';\nexport const x = pkg;`, rule: ZONES },
    {
      file: 'signaling/src/protocol/probe.ts',
      code: `import { APP_ID } from '../../../src/common/app-info.js';\nexport const x = APP_ID;`,
      rule: ZONES,
    },
  ],
  'src/common is environment-free (the protocol, valibot and itself only)': [
    { file: 'src/common/probe.ts', code: `import { webcrypto } from 'node:crypto';\nexport const x = webcrypto;`, rule: NODE },
    { file: 'src/common/probe.ts', code: `import fs from 'fs';\nexport const x = fs;`, rule: NODE },
    { file: 'src/common/probe.ts', code: `import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;`, rule: ZONES },
    { file: 'src/common/probe.ts', code: `import { render } from 'preact';\nexport const x = render;`, rule: ZONES },
    {
      file: 'src/common/probe.ts',
      code: `import { mayNavigate } from '../main/security/window-policy.js';\nexport const x = mayNavigate;`,
      rule: ZONES,
    },
    {
      file: 'src/common/probe.ts',
      code: `import * as protocol from '../../signaling/src/protocol/index.js';\nexport const x = protocol;`,
      rule: NAMES,
    },
  ],
  'the renderer imports no Node, no Electron, no main/preload, only the protocol from the server': [
    ...['electron', 'keytar', 'electron-store', 'better-sqlite3'].map((name) => ({
      file: 'src/renderer/probe.ts',
      code: `import * as m from '${name}';\nexport const x = m;`,
      rule: ZONES,
    })),
    { file: 'src/renderer/probe.ts', code: `export const x = import('electron');`, rule: ZONES },
    { file: 'src/renderer/probe.ts', code: `import path from 'node:path';\nexport const x = path;`, rule: NODE },
    { file: 'src/renderer/probe.ts', code: `import { EventEmitter } from 'events';\nexport const x = EventEmitter;`, rule: NODE },
    {
      file: 'src/renderer/probe.ts',
      code: `import { mayNavigate } from '../main/security/window-policy.js';\nexport const x = mayNavigate;`,
      rule: ZONES,
    },
    { file: 'src/renderer/probe.ts', code: `import * as preload from '../preload/index.js';\nexport const x = preload;`, rule: ZONES },
    { file: 'src/renderer/probe.ts', code: `import pkg from '../../signaling/package.json';\nexport const x = pkg;`, rule: ZONES },
    {
      file: 'src/renderer/probe.ts',
      code: `import * as protocol from '../../signaling/src/protocol/index.js';\nexport const x = protocol;`,
      rule: NAMES,
    },
  ],
  'main never imports the renderer (or the preload)': [
    { file: 'src/main/probe.ts', code: `import * as ui from '../renderer/main.js';\nexport const x = ui;`, rule: ZONES },
    { file: 'src/main/window/probe.ts', code: `export const x = import('../../renderer/main.js');`, rule: ZONES },
    { file: 'src/main/probe.ts', code: `import * as preload from '../preload/index.js';\nexport const x = preload;`, rule: ZONES },
    {
      file: 'src/main/probe.ts',
      code: `import * as protocol from '../../signaling/src/protocol/index.js';\nexport const x = protocol;`,
      rule: NAMES,
    },
  ],
  'the preload imports only contextBridge/ipcRenderer and src/common': [
    { file: 'src/preload/probe.ts', code: `import { shell } from 'electron';\nexport const x = shell;`, rule: NAMES },
    { file: 'src/preload/probe.ts', code: `import electron from 'electron';\nexport const x = electron;`, rule: NAMES },
    { file: 'src/preload/probe.ts', code: `import * as electron from 'electron';\nexport const x = electron;`, rule: NAMES },
    { file: 'src/preload/probe.ts', code: `import fs from 'node:fs';\nexport const x = fs;`, rule: NODE },
    { file: 'src/preload/probe.ts', code: `import { render } from 'preact';\nexport const x = render;`, rule: ZONES },
    {
      file: 'src/preload/probe.ts',
      code: `import * as protocol from '@merimeet/signaling/protocol';\nexport const x = protocol;`,
      rule: ZONES,
    },
    {
      file: 'src/preload/probe.ts',
      code: `import { mayNavigate } from '../main/security/window-policy.js';\nexport const x = mayNavigate;`,
      rule: ZONES,
    },
  ],
  'the call engine imports neither the UI nor the platform': [
    {
      file: 'src/renderer/engine/probe.ts',
      code: `import { formatInviteLink } from '../ui/invite.js';\nexport const x = formatInviteLink;`,
      rule: ZONES,
    },
    {
      file: 'src/renderer/engine/files/probe.ts',
      code: `import type { Platform } from '../../platform/index.js';\nexport type X = Platform;`,
      rule: ZONES,
    },
    {
      file: 'src/renderer/engine/probe.ts',
      code: `import { detectPlatform } from '../platform/index.js';\nexport const x = detectPlatform;`,
      rule: ZONES,
    },
    { file: 'src/renderer/engine/probe.ts', code: `export const x = import('../ui/app.js');`, rule: ZONES },
  ],
  'screens never import the app shell (ui/app.tsx imports them)': [
    { file: 'src/renderer/ui/home/probe.ts', code: `import type { App } from '../app.js';\nexport type X = typeof App;`, rule: ZONES },
  ],
  'server handlers never import connection/ (they use the HandlerConnection port)': [
    {
      file: 'signaling/src/handlers/probe.ts',
      code: `import type { Connection } from '../connection/connection.js';\nexport type X = Connection;`,
      rule: ZONES,
    },
    {
      file: 'signaling/src/handlers/probe.ts',
      code: `import { dispatch } from '../connection/dispatch.js';\nexport const x = dispatch;`,
      rule: ZONES,
    },
  ],
  'an import nobody can resolve fails instead of slipping past the zones': [
    { file: 'src/common/probe.ts', code: `import x from './does-not-exist.js';\nexport default x;`, rule: UNRESOLVED },
    { file: 'src/renderer/probe.ts', code: `import x from 'not-an-installed-package';\nexport default x;`, rule: UNRESOLVED },
  ],
};

const legal: Record<string, { file: string; code: string }[]> = {
  'signaling/ may use Node and its own protocol': [
    {
      file: 'signaling/src/probe.ts',
      code: `import { createHash } from 'node:crypto';\nimport * as protocol from './protocol/index.js';\nexport const x = [createHash, protocol];`,
    },
  ],
  'the protocol may use valibot and itself': [
    {
      file: 'signaling/src/protocol/probe.ts',
      code: `import * as v from 'valibot';\nimport * as protocol from './index.js';\nexport const x = [v, protocol];`,
    },
  ],
  "the protocol's tests run in Node and may use vitest": [
    {
      file: 'signaling/src/protocol/probe.test.ts',
      code: `import { createHash } from 'node:crypto';\nimport { it } from 'vitest';\nexport const x = [createHash, it];`,
    },
  ],
  'src/common may use the protocol (by package name), valibot and itself': [
    {
      file: 'src/common/probe.ts',
      code: `import * as protocol from '@merimeet/signaling/protocol';\nimport * as v from 'valibot';\nimport { APP_ID } from './app-info.js';\nexport const x = [protocol, v, APP_ID];`,
    },
  ],
  'the renderer may use preact, src/common and the protocol': [
    {
      file: 'src/renderer/probe.ts',
      code: `import { render } from 'preact';\nimport * as protocol from '@merimeet/signaling/protocol';\nimport { APP_ID } from '../common/app-info.js';\nexport const x = [render, protocol, APP_ID];`,
    },
    {
      // A client folder that happens to be called "signaling" is not the server.
      file: 'src/renderer/call/probe.ts',
      code: `import { APP_ID } from '../../common/app-info.js';\nexport const x = APP_ID;`,
    },
  ],
  'main may use Node, Electron, src/common and the protocol': [
    {
      file: 'src/main/probe.ts',
      code: `import path from 'node:path';\nimport { app } from 'electron';\nimport * as protocol from '@merimeet/signaling/protocol';\nimport { APP_ID } from '../common/app-info.js';\nimport { mayNavigate } from './security/window-policy.js';\nexport const x = [path, app, protocol, APP_ID, mayNavigate];`,
    },
  ],
  'the engine may use src/common and the protocol; ui/ and the entry point may use the engine': [
    {
      file: 'src/renderer/engine/probe.ts',
      code: `import * as protocol from '@merimeet/signaling/protocol';\nimport { APP_ID } from '../../common/app-info.js';\nimport { createStore } from './store.js';\nexport const x = [protocol, APP_ID, createStore];`,
    },
    {
      file: 'src/renderer/ui/probe.ts',
      code: `import type { CallEngine } from '../engine/call-state.js';\nimport type { Platform } from '../platform/index.js';\nimport type { SignedIn } from './session.js';\nexport type X = [CallEngine, Platform, SignedIn];`,
    },
  ],
  'server handlers may use their port and guards; connection/ may use handlers/': [
    {
      file: 'signaling/src/handlers/probe.ts',
      code: `import { requireAccount } from './guards.js';\nimport type { HandlerConnection } from './handler-connection.js';\nexport const x = (c: HandlerConnection) => requireAccount(c);`,
    },
    {
      file: 'signaling/src/connection/probe.ts',
      code: `import { roomHandlers } from '../handlers/room-handlers.js';\nimport type { Reply } from '../handlers/handler-connection.js';\nexport const x = roomHandlers;\nexport type X = Reply;`,
    },
  ],
  'the preload may use contextBridge, ipcRenderer, Electron types and src/common': [
    {
      file: 'src/preload/probe.ts',
      code: `import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';\nimport { APP_ID } from '../common/app-info.js';\nexport const x = [contextBridge, ipcRenderer, APP_ID];\nexport type E = IpcRendererEvent;`,
    },
  ],
};

let eslint: ESLint;
/** The same config with the boundary rules switched off: shows the assertions are not vacuous. */
let eslintWithoutBoundaries: ESLint;

async function errorsOf(linter: ESLint, file: string, code: string): Promise<string[]> {
  const [result] = await linter.lintText(code, { filePath: path.join(root, file) });
  if (result === undefined) throw new Error(`ESLint returned no result for ${file}`);
  return result.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
  eslintWithoutBoundaries = new ESLint({
    cwd: root,
    overrideConfig: { rules: Object.fromEntries(BOUNDARY_RULES.map((rule) => [rule, 'off'])) },
  });
});

// Each case lints real files with type-aware resolution: 0.3–1 s alone, 5–6 s measured with
// the renderer's unit tests beside it on the busy 2-core machine. Budget: 30 s, about 5× that.
describe('import boundaries (eslint.config.js)', { timeout: 30_000 }, () => {
  for (const [boundary, cases] of Object.entries(violations)) {
    describe(boundary, () => {
      it.each(cases)('rejects $code in $file', async ({ file, code, rule }) => {
        const errors = await errorsOf(eslint, file, code);
        expect(errors.some((e) => e.startsWith(`${rule}: `)), errors.join('\n') || 'no errors').toBe(true);
      });
    });
  }

  for (const [boundary, cases] of Object.entries(legal)) {
    describe(boundary, () => {
      it.each(cases)('accepts $code in $file', async ({ file, code }) => {
        expect(await errorsOf(eslint, file, code)).toEqual([]);
      });
    });
  }

  it('the violations above pass once the boundary rules are switched off (so the checks can fail)', async () => {
    for (const { file, code, rule } of Object.values(violations).flat()) {
      if (!BOUNDARY_RULES.includes(rule)) continue;
      const errors = await errorsOf(eslintWithoutBoundaries, file, code);
      expect(errors.filter((e) => e.startsWith(`${rule}: `)), `${file}: ${code}`).toEqual([]);
    }
  });

  describe('no import cycles (import-x/no-cycle over src/ and signaling/)', () => {
    /** Two-file probes, written into a temporary folder inside each part. */
    const probeDirs: string[] = [];
    /** The same config with no-cycle switched off: shows the assertions are not vacuous. */
    let eslintWithoutCycles: ESLint;

    function writeProbe(part: string, files: Record<string, string>): string {
      const dir = fs.mkdtempSync(path.join(root, part, 'lint-probe-'));
      probeDirs.push(dir);
      for (const [name, code] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), code);
      return path.relative(root, dir);
    }

    async function lintProbe(linter: ESLint, dir: string, name: string): Promise<string[]> {
      return errorsOf(linter, path.join(dir, name), fs.readFileSync(path.join(root, dir, name), 'utf8'));
    }

    beforeAll(() => {
      eslintWithoutCycles = new ESLint({ cwd: root, overrideConfig: { rules: { [CYCLE]: 'off' } } });
    });

    afterAll(() => {
      for (const dir of probeDirs) fs.rmSync(dir, { recursive: true, force: true });
    });

    it.each(['src/renderer/ui', 'src/renderer/engine', 'signaling/src', 'src/main'])(
      'reports a two-file cycle in %s (and nothing else about it)',
      async (part) => {
        const dir = writeProbe(part, {
          'a.ts': `import { b } from './b.js';\nexport const a = (): string => 'a' + b();\n`,
          'b.ts': `import { a } from './a.js';\nexport const b = (): string => 'b' + String(a.length);\n`,
        });
        for (const name of ['a.ts', 'b.ts']) {
          const errors = await lintProbe(eslint, dir, name);
          expect(errors.some((e) => e.startsWith(`${CYCLE}: `)), `${dir}/${name}: ${errors.join('\n') || 'no errors'}`).toBe(true);
          expect(await lintProbe(eslintWithoutCycles, dir, name), `${dir}/${name} without no-cycle`).toEqual([]);
        }
      },
    );

    it('reports a longer cycle through a re-export', async () => {
      const dir = writeProbe('src/renderer/ui', {
        'a.tsx': `import { c } from './c.js';\nexport const a = (): number => c;\n`,
        'b.ts': `export { a } from './a.js';\nexport const b = 2;\n`,
        'c.ts': `import { b } from './b.js';\nexport const c = b + 1;\n`,
      });
      const errors = await lintProbe(eslint, dir, 'a.tsx');
      expect(errors.some((e) => e.startsWith(`${CYCLE}: `)), errors.join('\n') || 'no errors').toBe(true);
    });

    it('does not report one-way imports', async () => {
      const dir = writeProbe('signaling/src', {
        'a.ts': `import { b } from './b.js';\nexport const a = (): number => b;\n`,
        'b.ts': `export const b = 1;\n`,
      });
      expect(await lintProbe(eslint, dir, 'a.ts')).toEqual([]);
    });
  });

  it('lints the real entry points of every part with the boundary rules on', async () => {
    for (const file of [
      'signaling/src/protocol/index.ts',
      'src/common/app-info.ts',
      'src/main/index.ts',
      'src/preload/index.ts',
      'src/renderer/main.tsx',
    ]) {
      const config = (await eslint.calculateConfigForFile(path.join(root, file))) as {
        rules?: Record<string, unknown>;
      };
      const severity = (rule: string) => {
        const entry = config.rules?.[rule];
        return Array.isArray(entry) ? entry[0] : entry;
      };
      expect([file, severity(ZONES)]).toEqual([file, 2]);
      expect([file, severity(UNRESOLVED)]).toEqual([file, 2]);
      expect([file, severity(CYCLE)]).toEqual([file, 2]);
    }
  });
});
