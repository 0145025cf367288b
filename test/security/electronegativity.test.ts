/**
 * Static security scan of the main process and the preload with
 * Electronegativity. Every finding must be explained below (what the scanner
 * saw, and why it is safe or how it is handled); a new finding, or an
 * explanation whose finding is gone, fails the test. A deliberately insecure
 * fixture proves the scanner runs and reports HIGH findings here.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCAN = path.join(ROOT, 'test', 'security', 'support', 'electronegativity-scan.cjs');
const ELECTRON_VERSION = (JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8'))) as { version: string }).version;

interface Finding {
  id: string;
  file: string;
  line: number;
  severity: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  confidence: string;
  description: string;
}

/** `CHECK_ID file` → why it is fine. Keyed without line numbers, so edits elsewhere do not churn it. */
const EXPLAINED: Record<string, string> = {
  'CONTEXT_ISOLATION_JS_CHECK main/index.ts':
    'HIGH. The BrowserWindow gets webPreferences from secureWebPreferences() (security/window-policy.ts), which sets contextIsolation: true, sandbox: true, nodeIntegration: false explicitly; window-policy.test.ts pins every value. The scanner cannot follow the call. app.enableSandbox() also sandboxes every renderer.',
  'SANDBOX_JS_CHECK main/index.ts': 'Same BrowserWindow: sandbox: true comes from secureWebPreferences(), plus app.enableSandbox().',
  'AUXCLICK_JS_CHECK main/index.ts':
    'secureWebPreferences() sets disableBlinkFeatures: "Auxclick"; and any new window (middle-click included) is denied by setWindowOpenHandler (windowOpenDecision), only vetted http(s) links go to the system browser.',
  'CONTEXT_ISOLATION_JS_CHECK main/quick-join-window.ts':
    'HIGH, the same as index.ts: the quick-join BrowserWindow takes secureWebPreferences() too (contextIsolation, sandbox, no Node), which the scanner cannot follow; its page may call only the quick-join channels (router.test.ts).',
  'SANDBOX_JS_CHECK main/quick-join-window.ts': 'The quick-join window: sandbox: true from secureWebPreferences(), plus app.enableSandbox().',
  'AUXCLICK_JS_CHECK main/quick-join-window.ts':
    'The quick-join window: disableBlinkFeatures "Auxclick" from secureWebPreferences(); new windows are denied for every web contents (web-contents-created in index.ts).',
  'OPEN_EXTERNAL_JS_CHECK main/index.ts':
    'Both calls open only what externalLinkTarget() returns: http(s) with a real host, no credentials, no control characters, ≤ 2048 characters (window-policy.test.ts lists the refused schemes: file, smb, ms-msdt, javascript, custom …).',
  'OPEN_EXTERNAL_JS_CHECK main/handlers.ts': 'link:open passes the URL through externalLinkTarget() first (main-handlers.test.ts: file: and smb: are not opened).',
  'PROTOCOL_HANDLER_JS_CHECK main/index.ts':
    'app:// serves only files under dist/desktop/renderer: no "..", no encoded traversal, no dotfiles, symlinks out of the root refused, GET/HEAD only (app-protocol.test.ts).',
  'CERTIFICATE_VERIFY_PROC_JS_CHECK main/index.ts':
    'The verify proc never opts out of TLS validation: unpinned hosts keep Chromium\'s verdict (-3); a self-signed certificate is accepted only after the person confirmed its SHA-256 fingerprint (pinned), and a changed one is refused (cert-pinning.test.ts).',
  'CSP_GLOBAL_CHECK N/A':
    'The CSP is sent as a header by the app:// handler (DESKTOP_CSP in security/app-protocol.ts: default-src \'none\', script-src \'self\', no unsafe-*), and index.html carries the web client\'s CSP as a <meta>; the scanner only looks for CSP in HTML and in session header hooks.',
};

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'merimeet-electronegativity-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function scan(input: string): Promise<{ checks: number; errors: unknown[]; issues: Finding[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [SCAN, input, ELECTRON_VERSION], { cwd: ROOT, maxBuffer: 8 * 1024 * 1024 });
  return JSON.parse(stdout) as { checks: number; errors: unknown[]; issues: Finding[] };
}

/** main and preload sources (tests excluded), as the scanner's input. */
async function sources(): Promise<{ dir: string; files: number }> {
  const dir = path.join(work, 'app');
  let files = 0;
  for (const part of ['main', 'preload']) {
    const from = path.join(ROOT, 'src', part);
    await cp(from, path.join(dir, part), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
    const walk = async (d: string): Promise<void> => {
      for (const entry of await readdir(d, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(path.join(d, entry.name));
        else if (entry.name.endsWith('.ts')) files++;
      }
    };
    await walk(path.join(dir, part));
  }
  return { dir, files };
}

describe('Electronegativity over main and preload', () => {
  it('reports nothing unexplained, and every explanation still has its finding', async () => {
    const { dir, files } = await sources();
    expect(files).toBeGreaterThan(10);
    const result = await scan(dir);
    expect(result.errors).toEqual([]); // every file parsed
    expect(result.checks).toBeGreaterThan(30);
    const keys = new Set(result.issues.map((i) => `${i.id} ${i.file}`));
    const unexplained = result.issues.filter((i) => EXPLAINED[`${i.id} ${i.file}`] === undefined);
    expect(unexplained).toEqual([]);
    expect(Object.keys(EXPLAINED).filter((k) => !keys.has(k))).toEqual([]);
    // The only HIGH findings are the two explained above (one per BrowserWindow).
    expect(result.issues.filter((i) => i.severity === 'HIGH').map((i) => `${i.id} ${i.file}`).sort()).toEqual([
      'CONTEXT_ISOLATION_JS_CHECK main/index.ts',
      'CONTEXT_ISOLATION_JS_CHECK main/quick-join-window.ts',
    ]);
  }, 120_000);

  it('does report HIGH findings for an insecure app (the scan is live here)', async () => {
    const bad = path.join(work, 'bad');
    await mkdir(bad, { recursive: true });
    await writeFile(
      path.join(bad, 'main.js'),
      `const { BrowserWindow } = require('electron');
       const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, webSecurity: false } });
       w.loadURL('http://example.org/');`,
    );
    const result = await scan(bad);
    const high = new Set(result.issues.filter((i) => i.severity === 'HIGH').map((i) => i.id));
    expect(high).toEqual(new Set(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']));
    const all = new Set(result.issues.map((i) => i.id));
    for (const id of ['NODE_INTEGRATION_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'HTTP_RESOURCES_JS_CHECK']) {
      expect(all).toContain(id);
    }
  }, 120_000);
});
