import { describe, expect, it, vi } from 'vitest';
import { CommandQueue, MAX_WAITING_COMMANDS } from './command-queue.js';
import type { PlatformCommand } from './platform.js';

const newMeeting: PlatformCommand = { kind: 'new-meeting', direct: true };
const mic: PlatformCommand = { kind: 'mic' };

describe('CommandQueue (tray and link commands before the page listens)', () => {
  it('hands a command that came before anyone listened to the first listener, in order', () => {
    const queue = new CommandQueue();
    queue.push(newMeeting);
    queue.push(mic);
    const listener = vi.fn();
    queue.listen(listener);
    expect(listener.mock.calls).toEqual([[newMeeting], [mic]]);
    queue.push(mic);
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('keeps a command that comes while the shell re-subscribes for the next listener', () => {
    const queue = new CommandQueue();
    const first = vi.fn();
    const stop = queue.listen(first);
    stop();
    queue.push(newMeeting);
    expect(first).not.toHaveBeenCalled();
    const second = vi.fn();
    queue.listen(second);
    expect(second).toHaveBeenCalledWith(newMeeting);
  });

  it('a stale unsubscribe does not remove a newer listener', () => {
    const queue = new CommandQueue();
    const stopOld = queue.listen(vi.fn());
    const current = vi.fn();
    queue.listen(current);
    stopOld();
    queue.push(mic);
    expect(current).toHaveBeenCalledWith(mic);
  });

  it('keeps only the newest MAX_WAITING_COMMANDS while nobody listens', () => {
    const queue = new CommandQueue();
    for (let i = 0; i < MAX_WAITING_COMMANDS + 3; i++) queue.push({ kind: 'open-meeting', meetingId: `m${i}`, password: null, server: null });
    const listener = vi.fn();
    queue.listen(listener);
    expect(listener).toHaveBeenCalledTimes(MAX_WAITING_COMMANDS);
    expect(listener.mock.calls[0]?.[0]).toMatchObject({ meetingId: 'm3' });
  });
});
