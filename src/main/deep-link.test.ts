import { describe, expect, it } from 'vitest';
import { deepLinkFromArgv, parseDeepLink } from './deep-link.js';

const SERVER = 'wss://meet.example.org:8443/ws';
const enc = encodeURIComponent;

describe('parseDeepLink', () => {
  it.each([
    ['merimeet://join/abc-defg-hjk', { server: null, meetingId: 'abc-defg-hjk', password: null }],
    ['merimeet://join/ABC-DEFG-HJK', { server: null, meetingId: 'abc-defg-hjk', password: null }],
    [`merimeet://join/abc-defg-hjk?server=${enc(SERVER)}`, { server: SERVER, meetingId: 'abc-defg-hjk', password: null }],
    [
      `merimeet://join/abc-defg-hjk?server=${enc(SERVER)}#p=Ab3dE5gH7k`,
      { server: SERVER, meetingId: 'abc-defg-hjk', password: 'Ab3dE5gH7k' },
    ],
    ['merimeet://join/abc-defg-hjk#p=Ab3dE5gH7k', { server: null, meetingId: 'abc-defg-hjk', password: 'Ab3dE5gH7k' }],
    ['MERIMEET://join/abc-defg-hjk', { server: null, meetingId: 'abc-defg-hjk', password: null }],
  ])('accepts %s', (link, expected) => {
    expect(parseDeepLink(link)).toEqual({ ok: true, link: expected });
  });

  const hostile: [string, string][] = [
    ['another scheme', 'https://join/abc-defg-hjk'],
    ['javascript:', 'javascript:alert(1)//merimeet://join/abc-defg-hjk'],
    ['file:', 'file:///etc/passwd'],
    ['an unknown action', 'merimeet://settings/abc-defg-hjk'],
    ['an action with a port', 'merimeet://join:80/abc-defg-hjk'],
    ['credentials', 'merimeet://user:pw@join/abc-defg-hjk'],
    ['a path traversal', 'merimeet://join/../../etc/passwd'],
    ['an encoded traversal', 'merimeet://join/%2e%2e%2fabc-defg-hjk'],
    ['an extra segment', 'merimeet://join/abc-defg-hjk/extra'],
    ['no meeting id', 'merimeet://join/'],
    ['a bad meeting id', 'merimeet://join/abc-defg-hj1'],
    ['a bad escape', 'merimeet://join/%E0%A4%A'],
    ['a plain ws server', `merimeet://join/abc-defg-hjk?server=${enc('ws://evil.example/ws')}`],
    ['an https server', `merimeet://join/abc-defg-hjk?server=${enc('https://evil.example/')}`],
    ['a file server', `merimeet://join/abc-defg-hjk?server=${enc('file:///etc/passwd')}`],
    ['a server with credentials', `merimeet://join/abc-defg-hjk?server=${enc('wss://a:b@evil.example/ws')}`],
    ['two servers', `merimeet://join/abc-defg-hjk?server=${enc(SERVER)}&server=${enc('wss://evil.example/ws')}`],
    ['an unknown parameter', 'merimeet://join/abc-defg-hjk?token=abc'],
    ['a password in the query', 'merimeet://join/abc-defg-hjk?p=secret'],
    ['an unknown fragment key', 'merimeet://join/abc-defg-hjk#token=x'],
    ['two passwords', 'merimeet://join/abc-defg-hjk#p=a&p=b'],
    ['a control character in the password', 'merimeet://join/abc-defg-hjk#p=a%0Ab'],
    ['a bidi override in the password', 'merimeet://join/abc-defg-hjk#p=a%E2%80%AEb'],
    ['a newline', 'merimeet://join/abc-defg-hjk\n--inspect'],
    ['a space', 'merimeet://join/abc-defg-hjk --foo'],
    ['a huge link', `merimeet://join/abc-defg-hjk#p=${'a'.repeat(5000)}`],
    ['an overlong password', `merimeet://join/abc-defg-hjk#p=${'a'.repeat(200)}`],
    ['nothing', ''],
    ['not a URL', 'merimeet:'],
  ];
  it.each(hostile)('rejects %s', (_what, link) => {
    const result = parseDeepLink(link);
    expect(result.ok).toBe(false);
  });
});

describe('deepLinkFromArgv', () => {
  it('finds the link among Chromium switches (second instance)', () => {
    expect(
      deepLinkFromArgv(['/opt/meriMeet/merimeet', '--no-sandbox', '--allow-file-access-from-files', 'merimeet://join/abc-defg-hjk']),
    ).toEqual({ ok: true, link: { server: null, meetingId: 'abc-defg-hjk', password: null } });
  });
  it('returns null when there is no link, and a reason when the link is hostile', () => {
    expect(deepLinkFromArgv(['/opt/meriMeet/merimeet', '--flag'])).toBeNull();
    expect(deepLinkFromArgv(['merimeet://join/abc-defg-hjk'])).toBeNull(); // argv[0] is the executable
    expect(deepLinkFromArgv(['x', 'merimeet://join/../x'])).toMatchObject({ ok: false });
  });
});
