// @ts-check
/**
 * ESLint flat config. Besides the usual TypeScript hygiene, this file is where
 * the "where things may reach" rules of the design are ENFORCED: which part of
 * the code base may import which. test/lint/import-rules.test.ts proves every
 * boundary below rejects a violating import and accepts a legal one.
 *
 * How the boundaries work
 * - `import-x/no-restricted-paths` compares the *resolved file* of every import
 *   (static, dynamic `import()`, `require()`, `export … from`) with zones. It
 *   catches `../../src/x.js` and a package alike, whatever the spelling.
 * - It can only judge imports it can resolve, so `import-x/no-unresolved` is
 *   an error everywhere: an import nobody can resolve fails instead of
 *   slipping past the boundaries. (That rule skips `import type`; an
 *   unresolvable type import fails `npm run typecheck` instead.)
 * - `import-x/no-nodejs-modules` catches Node built-ins (they resolve to no
 *   file, so zones cannot see them).
 * - `@typescript-eslint/no-restricted-imports` judges the specifier itself:
 *   which members of `electron` the preload may take (type imports free), and
 *   that src/ spells the protocol `@merimeet/signaling/protocol`.
 *
 * Rule options do not merge across config objects (a later object replaces an
 * earlier one's options for the same rule), so each boundary block below
 * states ALL restrictions for its files, and the blocks are ordered from
 * general to specific.
 *
 * Type-checking per runtime (no DOM in main, no Node in renderer, …) is done
 * by each part's tsconfig.json (`npm run typecheck`), not here.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));
/** The filesystem root: `from` for "nothing outside these folders" zones. */
const everywhere = path.parse(root).root;
/** Absolute path inside the repository. */
const repo = (/** @type {string} */ relative) => path.join(root, relative);
/** Where a package may be installed (hoisted to the root, or inside the signaling workspace). */
const installed = (/** @type {string} */ name) => [
  repo(`node_modules/${name}`),
  repo(`signaling/node_modules/${name}`),
];

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const ALL = [...TS, '**/*.js', '**/*.mjs', '**/*.cjs'];
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

const PROTOCOL = 'signaling/src/protocol';
const PROTOCOL_IMPORT = '@merimeet/signaling/protocol';

/**
 * Code under src/ imports the protocol by its package name only. One spelling
 * keeps the boundary readable and lets the protocol move inside signaling/
 * without touching the client. (The package export `./protocol` points at
 * signaling/src/protocol/index.ts.)
 */
const protocolBySpecifier = {
  // A relative specifier that climbs into the server's sources
  // (`../../signaling/src/protocol/index.js`), but not a folder of the
  // client's own that happens to be called signaling (`./signaling/client.js`).
  regex: String.raw`^(?:\.\./)+signaling/src(?:/|$)`,
  message: `Import the protocol as '${PROTOCOL_IMPORT}', not by a relative path into signaling/.`,
};

export default defineConfig(
  {
    // Build output, dependencies, reports: never linted.
    ignores: [
      'dist/**',
      '**/node_modules/**',
      'signaling/dist/**',
      'out/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },

  // ---- General hygiene ----------------------------------------------------
  {
    files: ALL,
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Everything that runs in Node: the server, tooling, tests, configs, main.
    // (Only affects JS files: typescript-eslint turns off no-undef for TS, where
    // each tsconfig's `lib`/`types` decide which globals exist.)
    files: ['signaling/**', 'scripts/**', 'test/**', 'src/main/**', '*.js', '*.mjs', '*.ts', ...TESTS],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/renderer/**'],
    ignores: TESTS,
    languageOptions: { globals: { ...globals.browser } },
  },

  // ---- Import resolution (shared by every boundary rule) -----------------
  {
    files: ALL,
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.node'],
          // TypeScript sources import each other as `./x.js` (NodeNext style).
          extensionAlias: {
            '.js': ['.ts', '.tsx', '.js'],
            '.mjs': ['.mts', '.mjs'],
            '.cjs': ['.cts', '.cjs'],
          },
          conditionNames: ['types', 'import', 'require', 'node', 'default'],
        }),
      ],
    },
    rules: {
      // Fail closed: the boundary rules judge resolved files, so an import that
      // cannot be resolved must be an error, not a silent pass.
      'import-x/no-unresolved': ['error', { commonjs: true }],
      'import-x/no-absolute-path': 'error',
      'import-x/no-self-import': 'error',
    },
  },

  // ---- No import cycles ---------------------------------------------------
  {
    // A cycle makes module order matter (a half-initialised import is
    // `undefined` at load time) and hides which layer depends on which. The
    // rule follows runtime imports only: an `import type` is erased by the
    // compiler and is not followed (the direction of type-only imports is kept
    // by the zones below where it matters). Packages are not traversed.
    files: ['src/**', 'signaling/**'],
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },

  // ---- Length limits ------------------------------------------------------
  {
    // No file in src/ or signaling/src/ longer than 400 lines and no function
    // longer than 120 (issue 12): past that a file holds more than one job and
    // a function more than one screen. Lines are PHYSICAL lines, blank lines
    // and comments included, so the limit is what `wc -l` and the reader's
    // scroll bar say, and deleting comments can never be the way to pass.
    // A nested function counts toward its parent too (a closure that wraps
    // 40 inner functions is exactly what this is meant to stop); IIFEs count.
    // Tests and fixtures are exempt: a table of cases is long by nature.
    // test/lint/length-rules.test.ts proves both limits bite.
    files: ['src/**', 'signaling/src/**'],
    ignores: [...TESTS, '**/__fixtures__/**'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  {
    // No silent catch (issue 12): a failure is surfaced to the person, reported to the
    // engine's sink (src/renderer/engine/failures.ts: logged with its scope and counted),
    // logged, or handled. A catch that turns a failure into a result (`catch { return null; }`)
    // is handling; a handler that drops the error (`.catch(() => undefined)`, `catch {}`) is
    // not, whatever comment sits in it. test/lint/silent-catch.test.ts proves it bites.
    files: ['src/**', 'signaling/src/**'],
    ignores: [...TESTS, '**/__fixtures__/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'CallExpression[callee.property.name="catch"] > ArrowFunctionExpression[params.length=0][body.type="Identifier"][body.name="undefined"]',
          'CallExpression[callee.property.name="catch"] > ArrowFunctionExpression[params.length=0][body.type="Literal"][body.value=null]',
          'CallExpression[callee.property.name="catch"] > ArrowFunctionExpression[params.length=0][body.type="BlockStatement"][body.body.length=0]',
          'CatchClause > BlockStatement[body.length=0]',
        ].map((selector) => ({
          selector,
          message: 'A silent catch: report the failure (engine/failures.ts reportFailure/reportAs), surface it, or log it with its scope.',
        })),
      ],
    },
  },

  // ---- Boundaries (DESIGN.md, "Where things may reach") ------------------
  {
    // signaling/ is its own package and ships, and runs, without the desktop
    // app: it must never import from the app's src/.
    files: ['signaling/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: 'signaling',
              from: 'src',
              message: 'signaling/ is a standalone package: it imports nothing from src/.',
            },
            {
              // connection/ dispatches to handlers/; handlers are written against
              // the port they own (handlers/handler-connection.ts), so the
              // dependency runs one way, type imports included.
              target: 'signaling/src/handlers',
              from: 'signaling/src/connection',
              message:
                'handlers/ never imports connection/: use the HandlerConnection port (handlers/handler-connection.ts) and handlers/guards.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // The wire protocol is environment-free (schemas and types only): the
    // server (Node), the renderer (browser) and main all import it, so it may
    // use no Node built-in, no Electron, and nothing outside itself except
    // valibot, the schema library. (Its tests run in Node and may use vitest.)
    files: [`${PROTOCOL}/**`],
    ignores: TESTS,
    rules: {
      'import-x/no-nodejs-modules': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: PROTOCOL,
              from: everywhere,
              except: [repo(PROTOCOL), ...installed('valibot')],
              message: 'The protocol is environment-free: it imports only itself and valibot.',
            },
          ],
        },
      ],
    },
  },
  {
    // src/common is environment-free code shared by main, preload and renderer
    // (IPC contract, key derivation with WebCrypto): no Node built-in, no
    // Electron, nothing outside itself except the protocol and valibot (the
    // IPC contract's schemas, the same library the protocol uses).
    files: ['src/common/**'],
    ignores: TESTS,
    rules: {
      'import-x/no-nodejs-modules': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: 'src/common',
              from: everywhere,
              except: [repo('src/common'), repo(PROTOCOL), ...installed('valibot')],
              message: `src/common is environment-free: it imports only itself, valibot and '${PROTOCOL_IMPORT}'.`,
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [protocolBySpecifier] }],
    },
  },
  {
    // The renderer runs in Chromium, in the desktop window and in any browser
    // as the web client, so it may not assume Node or Electron: no Node
    // built-in, no desktop-only package (those run in main and reach the UI
    // through the preload bridge), nothing from main/preload, and nothing from
    // the server but the protocol.
    files: ['src/renderer/**'],
    ignores: TESTS,
    rules: {
      'import-x/no-nodejs-modules': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: 'src/renderer',
              from: ['electron', 'keytar', 'electron-store', 'better-sqlite3'].flatMap(installed),
              message:
                'The renderer never assumes Electron: desktop abilities reach it only through the platform interface.',
            },
            {
              target: 'src/renderer',
              from: [repo('src/main'), repo('src/preload')],
              message: 'The renderer imports only src/common and the protocol, never main or preload code.',
            },
            {
              target: 'src/renderer',
              from: repo('signaling'),
              except: [repo(PROTOCOL)],
              message: `The renderer takes only the protocol from the server ('${PROTOCOL_IMPORT}').`,
            },
            {
              // The call engine has no UI and no platform knowledge: ui/ drives
              // it and platform/ is handed to the UI, never the other way round.
              target: 'src/renderer/engine',
              from: [repo('src/renderer/ui'), repo('src/renderer/platform')],
              message:
                'The engine imports neither ui/ nor platform/: move what both need into engine/ (or src/common) and let ui/ import it.',
            },
            {
              // The shell imports every screen; a screen importing the shell (even
              // a type) closes a cycle. Shared types live in their own module.
              target: 'src/renderer/ui',
              from: repo('src/renderer/ui/app.tsx'),
              message: 'Screens never import the app shell (ui/app.tsx): put what they share in its own module (e.g. ui/session.ts).',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [protocolBySpecifier] }],
    },
  },
  {
    // Main owns windows, keychain, settings and IPC handlers; the renderer is
    // untrusted page code and the preload is a separate sandboxed bundle, so
    // main never imports either (shared contracts live in src/common).
    files: ['src/main/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: 'src/main',
              from: [repo('src/renderer'), repo('src/preload')],
              message: 'main never imports the renderer or the preload; share contracts through src/common.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [protocolBySpecifier] }],
    },
  },
  {
    // The preload runs sandboxed next to the page and must stay tiny and
    // auditable: it imports only contextBridge/ipcRenderer from Electron (type
    // imports are free) and src/common; no Node built-in, nothing else.
    files: ['src/preload/**'],
    ignores: TESTS,
    rules: {
      'import-x/no-nodejs-modules': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: 'src/preload',
              from: everywhere,
              except: [repo('src/preload'), repo('src/common'), ...installed('electron')],
              message: 'The preload imports only electron (contextBridge, ipcRenderer) and src/common.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowImportNames: ['contextBridge', 'ipcRenderer'],
              allowTypeImports: true,
              message: 'The preload uses only contextBridge and ipcRenderer from electron.',
            },
          ],
          patterns: [protocolBySpecifier],
        },
      ],
    },
  },
);
