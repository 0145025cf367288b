import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { UpdateStatus } from '../common/ipc-contract.js';
import { createUpdateController, UPDATE_CHECK_EVERY_MS, type Timers, type UpdaterLike } from './updates.js';

/** Stands in for electron-updater's autoUpdater: checkForUpdates does what `feed` says. */
function fakeUpdater(feed: 'none' | 'update' | 'fail' = 'update') {
  const events = new EventEmitter();
  const updater = {
    autoDownload: false,
    autoInstallOnAppQuit: true,
    checkForUpdates: vi.fn(async () => {
      if (feed === 'fail') throw new Error('net::ERR_NAME_NOT_RESOLVED\nstack…');
      if (feed === 'none') return void events.emit('update-not-available');
      events.emit('update-available', { version: '0.2.0' });
      events.emit('download-progress', { percent: 41.6 });
    }),
    quitAndInstall: vi.fn(),
    on: (event: string, listener: Parameters<typeof events.on>[1]) => events.on(event, listener),
    downloaded: () => events.emit('update-downloaded', { version: '0.2.0' }),
  };
  return updater as typeof updater & UpdaterLike;
}

function fakeTimers() {
  const intervals = new Map<number, { cb: () => void; ms: number }>();
  let next = 1;
  const timers: Timers = {
    setInterval: (cb, ms) => (intervals.set(next, { cb, ms }), next++),
    clearInterval: (h) => void intervals.delete(h as number),
  };
  return { timers, intervals };
}

describe('update controller', () => {
  it('checks, downloads in the background, and offers "Restart to update"; restarting is the person’s click', async () => {
    const updater = fakeUpdater();
    const statuses: UpdateStatus[] = [];
    const { timers, intervals } = fakeTimers();
    const updates = createUpdateController({ updater, enabled: true, onStatus: (s) => statuses.push(s), timers });
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: false });
    expect([...intervals.values()].map((i) => i.ms)).toEqual([UPDATE_CHECK_EVERY_MS]);
    await updates.check();
    expect(updates.status()).toEqual({ state: 'downloading', version: '0.2.0', percent: 42, error: null });
    updater.downloaded();
    expect(updates.status()).toMatchObject({ state: 'ready', version: '0.2.0' });
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    updates.restart();
    expect(updater.quitAndInstall).toHaveBeenCalledWith(false, true);
    expect(statuses.map((s) => s.state)).toEqual(['checking', 'downloading', 'downloading', 'ready']);
  });

  it('an update found mid-call waits until the call ends, and cannot be restarted into during it', async () => {
    const updater = fakeUpdater();
    const updates = createUpdateController({ updater, enabled: true, onStatus: () => undefined, timers: fakeTimers().timers });
    updates.setInCall(true);
    await updates.check();
    updater.downloaded();
    expect(updates.status().state).toBe('waiting-for-call');
    expect(() => updates.restart()).toThrow(expect.objectContaining({ code: 'in_call' }));
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    updates.setInCall(false);
    expect(updates.status().state).toBe('ready');
    updates.setInCall(true); // another call before the person clicked: waits again
    expect(updates.status().state).toBe('waiting-for-call');
  });

  it('opted out: no timer, no check, nothing to restart into; opting back in checks at once', async () => {
    const updater = fakeUpdater();
    const { timers, intervals } = fakeTimers();
    const updates = createUpdateController({ updater, enabled: false, onStatus: () => undefined, timers });
    expect(intervals.size).toBe(0);
    expect(await updates.check()).toMatchObject({ state: 'disabled' });
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(() => updates.restart()).toThrow(expect.objectContaining({ code: 'not_found' }));
    updates.setEnabled(true);
    expect(intervals.size).toBe(1);
    expect(updater.checkForUpdates).toHaveBeenCalledOnce();
    updates.setEnabled(false);
    expect(intervals.size).toBe(0);
    expect(updater.autoDownload).toBe(false);
  });

  it('the timer checks every few hours; a failed check says why in one line; nothing new is idle', async () => {
    const updater = fakeUpdater('fail');
    const { timers, intervals } = fakeTimers();
    const updates = createUpdateController({ updater, enabled: true, onStatus: () => undefined, timers });
    [...intervals.values()][0]?.cb();
    // The check the timer started settles within a few microtasks; 1 s is vi.waitFor's default, far above that.
    await vi.waitFor(() => expect(updates.status()).toMatchObject({ state: 'error', error: 'net::ERR_NAME_NOT_RESOLVED' }));
    const quiet = createUpdateController({ updater: fakeUpdater('none'), enabled: true, onStatus: () => undefined, timers });
    expect(await quiet.check()).toMatchObject({ state: 'idle', version: null });
  });
});
