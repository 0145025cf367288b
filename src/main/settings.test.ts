/**
 * The settings module against the REAL electron-store (and conf, ajv, atomic
 * writes): only `electron` itself is faked, because electron-store imports it
 * (vitest inlines electron-store so this mock reaches it; vitest.config.ts).
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({
  default: {
    app: { getPath: () => '/nonexistent-userdata', getVersion: () => '0.1.0' },
    ipcMain: { on: () => undefined },
    shell: {},
  },
}));

const { openSettings, DEFAULT_PREFERENCES } = await import('./settings.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'merimeet-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (appVersion = '0.1.0') => openSettings({ cwd: dir, appVersion });
const SERVER = 'wss://meet.example.org/ws';

describe('settings (real electron-store)', () => {
  it('starts with defaults and writes a JSON file under cwd', async () => {
    const settings = open();
    expect(settings.get()).toEqual({
      displayName: null,
      devices: { cameraId: null, micId: null, speakerId: null },
      servers: [],
      defaultServer: null,
      recentMeetings: [],
      preferences: DEFAULT_PREFERENCES,
    });
    expect(DEFAULT_PREFERENCES).toEqual({
      startMuted: false,
      closeToTray: true,
      launchAtLogin: false,
      notifications: true,
      relayOnly: false,
      quickJoinDirect: true,
      autoUpdate: true,
      muteShortcut: 'CommandOrControl+Shift+M',
      pushToTalk: false,
    });
    settings.update({ displayName: 'Ada' });
    expect(settings.path).toBe(join(dir, 'settings.json'));
    expect(JSON.parse(await readFile(settings.path, 'utf8'))).toMatchObject({ displayName: 'Ada' });
  });

  it('keeps everything across a reopen (a restart of the app)', () => {
    const first = open();
    first.update({
      displayName: 'Ada',
      devices: { cameraId: 'cam', micId: 'mic', speakerId: null },
      preferences: { startMuted: true, closeToTray: false, launchAtLogin: true, relayOnly: true, muteShortcut: null },
    });
    first.addServer({ url: SERVER, name: 'Work' });
    first.addRecentMeeting({ meetingId: 'abc-defg-hjk', title: 'Standup', server: SERVER }, 1000);
    first.setPin('meet.example.org', `${'AB:'.repeat(31)}CD`);
    const second = open();
    expect(second.get()).toEqual(first.get());
    expect(second.getPin('meet.example.org')).toBe(`${'AB:'.repeat(31)}CD`);
    expect(second.getPin('other.example.org')).toBeNull();
  });

  it('changes only the preferences named, and reads a file from before the newer preferences through their defaults', async () => {
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ preferences: { startMuted: true, closeToTray: false, launchAtLogin: false } }),
    );
    const settings = open();
    expect(settings.get().preferences).toEqual({ ...DEFAULT_PREFERENCES, startMuted: true, closeToTray: false });
    settings.update({ preferences: { notifications: false } });
    expect(settings.get().preferences).toEqual({ ...DEFAULT_PREFERENCES, startMuted: true, closeToTray: false, notifications: false });
  });

  it('lists pins with the date they were pinned, forgets one, and clears everything back to defaults', () => {
    let now = 1_700_000_000_000;
    const settings = openSettings({ cwd: dir, appVersion: '0.1.0', now: () => now });
    const fp = `${'AB:'.repeat(31)}CD`;
    settings.setPin('b.example.org', fp);
    now += 5;
    settings.setPin('a.example.org', fp);
    expect(settings.listPins()).toEqual([
      { host: 'a.example.org', fingerprint: fp, pinnedAt: now },
      { host: 'b.example.org', fingerprint: fp, pinnedAt: now - 5 },
    ]);
    settings.forgetPin('b.example.org');
    expect(settings.getPin('b.example.org')).toBeNull();
    expect(settings.listPins().map((p) => p.host)).toEqual(['a.example.org']);
    settings.addServer({ url: SERVER, name: 'Work' });
    settings.update({ displayName: 'Ada', preferences: { relayOnly: true } });
    settings.clear();
    expect(settings.get()).toEqual({
      displayName: null,
      devices: { cameraId: null, micId: null, speakerId: null },
      servers: [],
      defaultServer: null,
      recentMeetings: [],
      preferences: DEFAULT_PREFERENCES,
    });
    expect(settings.listPins()).toEqual([]);
    expect(open().get().servers).toEqual([]); // on disk too
  });

  it('has several servers with one default, which moves when the default is removed', () => {
    const settings = open();
    settings.addServer({ url: SERVER, name: 'Work' });
    settings.addServer({ url: 'wss://home.example.net:8443/ws', name: 'Home' });
    expect(settings.get().defaultServer).toBe(SERVER); // the first one added
    settings.setDefaultServer('wss://home.example.net:8443/ws');
    expect(settings.get().defaultServer).toBe('wss://home.example.net:8443/ws');
    expect(() => settings.setDefaultServer('wss://unknown.example/ws')).toThrow('not a configured server');
    settings.removeServer('wss://home.example.net:8443/ws');
    expect(settings.get().defaultServer).toBe(SERVER);
    settings.removeServer(SERVER);
    expect(settings.get()).toMatchObject({ servers: [], defaultServer: null });
  });

  it('keeps the 10 most recent meetings, newest first, one entry per meeting, and no password', async () => {
    const settings = open();
    for (let i = 0; i < 12; i++) {
      settings.addRecentMeeting({ meetingId: `abc-defg-hj${'kmnpqrstuvwx'[i]}`, title: `M${i}`, server: SERVER }, i);
    }
    settings.addRecentMeeting({ meetingId: 'abc-defg-hjx', title: 'again', server: SERVER }, 99);
    const recent = settings.get().recentMeetings;
    expect(recent).toHaveLength(10);
    expect(recent[0]).toEqual({ meetingId: 'abc-defg-hjx', title: 'again', server: SERVER, at: 99 });
    expect(recent.filter((r) => r.meetingId === 'abc-defg-hjx')).toHaveLength(1);
    expect(await readFile(settings.path, 'utf8')).not.toMatch(/password|token/i);
  });

  it('refuses, through the schema, any value of the wrong shape and any unknown key (such as a password)', () => {
    const settings = open();
    expect(() => settings.update({ displayName: 42 as never })).toThrow(/schema|must be/i);
    expect(() =>
      settings.update({ preferences: { startMuted: true, closeToTray: true, launchAtLogin: true, password: 'x' } as never }),
    ).toThrow(/schema|must NOT have additional properties/i);
    expect(() =>
      settings.addRecentMeeting({ meetingId: 'abc-defg-hjk', title: null, server: SERVER, password: 'pw' } as never, 1),
    ).toThrow(/schema|additional properties/i);
    expect(() => settings.setPin('h', 'not-a-fingerprint')).toThrow(/schema|pattern/i);
    expect(settings.get().displayName).toBeNull();
  });

  it('migrates a pre-release file: one `server` becomes the default entry, passwords in recent meetings are dropped', async () => {
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({
        server: SERVER,
        recentMeetings: [{ meetingId: 'abc-defg-hjk', title: 'Old', server: SERVER, password: 'hunter2hun' }],
      }),
    );
    const settings = open('0.1.0');
    expect(settings.get()).toMatchObject({
      servers: [{ url: SERVER, name: 'meet.example.org' }],
      defaultServer: SERVER,
      recentMeetings: [{ meetingId: 'abc-defg-hjk', title: 'Old', server: SERVER, at: 0 }],
    });
    const raw = await readFile(settings.path, 'utf8');
    expect(raw).not.toContain('hunter2hun');
    expect(JSON.parse(raw)).not.toHaveProperty('server');
  });

  it('refuses a file that holds a key the schema does not know (e.g. a token put there by hand)', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ displayName: 'Ada', token: 'A'.repeat(43) }));
    const onReset = vi.fn();
    const settings = openSettings({ cwd: dir, appVersion: '0.1.0', onReset });
    expect(onReset).toHaveBeenCalledOnce();
    expect(await readFile(settings.path, 'utf8')).not.toContain('A'.repeat(43));
  });

  it('sets an unreadable or schema-breaking file aside (never deletes it) and starts fresh', async () => {
    await writeFile(join(dir, 'settings.json'), '{"displayName": 42, "token": "secret"');
    const onReset = vi.fn();
    const settings = openSettings({ cwd: dir, appVersion: '0.1.0', onReset });
    expect(settings.get().displayName).toBeNull();
    expect(onReset).toHaveBeenCalledOnce();
    const files = await readdir(dir);
    expect(files.some((f) => f.startsWith('settings.json.invalid-'))).toBe(true);
  });
});
