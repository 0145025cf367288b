import { describe, expect, it } from 'vitest';
import {
  decidePermission,
  mayNavigate,
  secureWebPreferences,
  windowOpenDecision,
} from './window-policy.js';

const appUrl = 'file:///opt/meriMeet/resources/app.asar/dist/desktop/renderer/index.html';

describe('secureWebPreferences', () => {
  it('isolates, sandboxes and keeps Node out of every window', () => {
    const prefs = secureWebPreferences('/app/dist/desktop/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/dist/desktop/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
  });

  it('returns a fresh object each time (no shared mutable state)', () => {
    expect(secureWebPreferences('a')).not.toBe(secureWebPreferences('a'));
  });
});

describe('decidePermission', () => {
  const permissions = [
    'media',
    'display-capture',
    'notifications',
    'geolocation',
    'clipboard-read',
    'openExternal',
    'fileSystem',
    'hid',
    'serial',
    'usb',
    'unknown',
    'something-new-in-a-future-electron',
  ];
  const origins = [appUrl, 'https://evil.example/', 'http://localhost:8443/', '', 'about:blank'];

  it.each(permissions)('denies %s to every origin (media is granted in a later change)', (permission) => {
    for (const requestingUrl of origins) {
      expect(decidePermission({ permission, requestingUrl })).toBe(false);
    }
  });
});

describe('mayNavigate', () => {
  it.each([
    'https://evil.example/',
    'http://localhost/',
    'file:///etc/passwd',
    appUrl,
    `${appUrl}?x=1`,
    'javascript:alert(1)',
    'data:text/html,<h1>hi</h1>',
    'merimeet://join/abc',
    'not a url',
  ])('refuses navigation to %s', (url) => {
    expect(mayNavigate(url)).toBe(false);
  });
});

describe('windowOpenDecision', () => {
  it.each(['https://example.org/', appUrl, 'about:blank', ''])('denies window.open(%j)', (url) => {
    expect(windowOpenDecision(url)).toEqual({ action: 'deny' });
  });
});
