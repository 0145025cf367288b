import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from './static-path.js';

const root = join('/srv', 'web');

describe('resolveStaticPath', () => {
  it('maps ordinary paths under the root', () => {
    expect(resolveStaticPath(root, '/app.js')).toEqual({ ok: true, file: join(root, 'app.js'), hasExtension: true });
    expect(resolveStaticPath(root, '/assets/My%20Font.woff2')).toEqual({
      ok: true,
      file: join(root, 'assets', 'My Font.woff2'),
      hasExtension: true,
    });
    expect(resolveStaticPath(root, '/')).toEqual({ ok: true, file: root, hasExtension: false });
    expect(resolveStaticPath(root, '/m/abc-defg-hjk')).toMatchObject({ ok: true, hasExtension: false });
  });

  it.each([
    ['plain dot-dot', '/../etc/passwd'],
    ['dot-dot in the middle', '/assets/../../etc/passwd'],
    ['encoded dots', '/%2e%2e/etc/passwd'],
    ['encoded slash', '/..%2f..%2fetc%2fpasswd'],
    ['backslash', '/..%5c..%5cwindows%5cwin.ini'],
    ['encoded NUL', '/index.html%00.png'],
    ['broken escape', '/%E0%A4%A'],
    ['drive or stream name', '/C:/windows/win.ini'],
    ['not origin-form', 'http://evil.example/'],
  ])('refuses %s', (_name, raw) => {
    expect(resolveStaticPath(root, raw)).toEqual({ ok: false, status: 400 });
  });

  it('hides dotfiles', () => {
    expect(resolveStaticPath(root, '/.git/config')).toEqual({ ok: false, status: 404 });
    expect(resolveStaticPath(root, '/%2eenv')).toEqual({ ok: false, status: 404 });
  });
});
