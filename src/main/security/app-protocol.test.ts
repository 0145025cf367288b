import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFileFor, DESKTOP_CSP, handleAppRequest } from './app-protocol.js';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'merimeet-app-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>meriMeet</title>');
  await writeFile(join(root, 'assets', 'main-abc.js'), 'console.log(1)');
  await writeFile(join(root, '.env'), 'SECRET=1');
  await writeFile(join(base, 'secret.txt'), 'outside');
  await symlink(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => handleAppRequest(root, new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves index.html at the root and by name, with the CSP and nosniff', async () => {
    for (const url of ['app://merimeet/', 'app://merimeet/index.html', 'app://merimeet/index.html?x=1#m=abc']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(DESKTOP_CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>meriMeet</title>');
    }
  });

  it('serves scripts as JavaScript (module scripts need the right type)', async () => {
    const response = await get('app://merimeet/assets/main-abc.js');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
  });

  it.each([
    'app://merimeet/../secret.txt',
    'app://merimeet/%2e%2e/secret.txt',
    'app://merimeet/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://merimeet/assets/..%5c..%5csecret.txt',
    'app://merimeet/.env',
    'app://merimeet/assets/link.txt',
    'app://merimeet/nope.js',
    'app://merimeet/index.html%00.png',
    'app://other/index.html',
    'app://merimeet/%E0%A4%A',
  ])('answers 404 to %s and never leaks a file outside the root', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not found');
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('app://merimeet/index.html', 'POST')).status).toBe(405);
    const head = await get('app://merimeet/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('maps URLs to files only inside the root', () => {
    expect(appFileFor('/r', 'app://merimeet/a/b.js')).toBe('/r/a/b.js');
    expect(appFileFor('/r', 'app://merimeet/a/../../b.js')).toBe('/r/b.js'); // URL parsing normalises dot segments first
    expect(appFileFor('/r', 'https://merimeet/a.js')).toBeNull();
  });

  it('has a CSP with no inline script, no eval beyond WebAssembly, no remote script, no frames', () => {
    const directives = new Map(DESKTOP_CSP.split('; ').map((d) => [d.split(' ')[0], d]));
    expect(directives.get('default-src')).toBe("default-src 'none'");
    // Exactly what compiling the noise suppressor's wasm needs, and nothing more.
    expect(directives.get('script-src')).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(DESKTOP_CSP.replace("'wasm-unsafe-eval'", '')).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
    expect(directives.get('object-src')).toBe("object-src 'none'");
    expect(directives.get('frame-src')).toBe("frame-src 'none'");
    // The frame-crypto worker is one of the app's files; no blob: or data: worker.
    expect(directives.get('worker-src')).toBe("worker-src 'self'");
    expect(directives.get('connect-src')).toBe("connect-src 'self' wss:");
  });
});
