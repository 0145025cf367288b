import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  decidePermission,
  externalLinkTarget,
  isAppUrl,
  mayNavigate,
  secureWebPreferences,
  windowOpenDecision,
} from './window-policy.js';

const appUrl = APP_ENTRY_URL;

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
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      backgroundThrottling: false,
    });
  });

  it('returns a fresh object each time (no shared mutable state)', () => {
    expect(secureWebPreferences('a')).not.toBe(secureWebPreferences('a'));
  });
});

describe('isAppUrl', () => {
  it.each([appUrl, 'app://merimeet/assets/x.js', 'app://merimeet/index.html#m=abc-defg-hjk'])('accepts %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
  });
  it.each([
    'app://merimeet.evil/index.html',
    'app://evil/index.html',
    'app://u:p@merimeet/index.html',
    'apps://merimeet/',
    'https://merimeet/',
    'file:///opt/meriMeet/index.html',
    '',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('decidePermission', () => {
  it('gives the quick-join window no camera, microphone, screen or network permission', () => {
    const quickJoin = 'app://merimeet/index.html?window=quick-join';
    for (const permission of ['media', 'display-capture', 'local-network-access']) {
      expect(decidePermission({ permission, requestingUrl: quickJoin, isMainFrame: true }), permission).toBe(false);
    }
  });

  it.each(['media', 'display-capture', 'local-network-access', 'local-network', 'loopback-network'])('grants %s to the app page', (permission) => {
    expect(decidePermission({ permission, requestingUrl: appUrl, isMainFrame: true })).toBe(true);
  });

  it('grants camera and microphone, nothing else under "media"', () => {
    expect(decidePermission({ permission: 'media', requestingUrl: appUrl, mediaTypes: ['audio', 'video'] })).toBe(true);
    expect(decidePermission({ permission: 'media', requestingUrl: appUrl, mediaTypes: ['audio', 'screen'] })).toBe(false);
  });

  it('denies media to a subframe of the app', () => {
    expect(decidePermission({ permission: 'media', requestingUrl: appUrl, isMainFrame: false })).toBe(false);
  });

  const others = [
    'notifications',
    'geolocation',
    'clipboard-read',
    'clipboard-sanitized-write',
    'openExternal',
    'fileSystem',
    'hid',
    'serial',
    'usb',
    'midiSysex',
    'pointerLock',
    'fullscreen',
    'unknown',
    'something-new-in-a-future-electron',
  ];
  it.each(others)('denies %s even to the app page', (permission) => {
    expect(decidePermission({ permission, requestingUrl: appUrl })).toBe(false);
  });

  const foreign = ['https://evil.example/', 'http://localhost:8443/', 'file:///etc/passwd', '', 'about:blank', 'app://merimeet.evil/'];
  it.each(foreign)('denies media, display capture and local network access to %j', (requestingUrl) => {
    for (const permission of ['media', 'display-capture', 'local-network-access', 'local-network', 'loopback-network']) {
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

describe('external links', () => {
  it.each([
    ['https://example.org/help?a=1#x', 'https://example.org/help?a=1#x'],
    ['http://example.org', 'http://example.org/'],
    ['https://xn--bcher-kva.example/', 'https://xn--bcher-kva.example/'],
  ])('opens %s in the browser', (url, expected) => {
    expect(externalLinkTarget(url)).toBe(expected);
    expect(windowOpenDecision(url)).toEqual({ action: 'deny', openExternally: expected });
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,hi',
    'smb://attacker/share',
    'ms-msdt:/id PCWDiagnostic',
    'merimeet://join/abc-defg-hjk',
    'app://merimeet/index.html',
    'https://user:pass@example.org/',
    'https://example.org/\nx',
    ' https://example.org/',
    `https://example.org/${'a'.repeat(3000)}`,
    'about:blank',
    '',
  ])('never opens %j, and never in a new window', (url) => {
    expect(externalLinkTarget(url)).toBeNull();
    expect(windowOpenDecision(url)).toEqual({ action: 'deny', openExternally: null });
  });
});
