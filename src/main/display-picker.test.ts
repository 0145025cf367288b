import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDisplayPicker, PickerError, type CapturerSource, type Grant, type PickerDeps } from './display-picker.js';

const image = (data: string) => ({ isEmpty: () => data === '', toDataURL: () => data });
const sources: CapturerSource[] = [
  { id: 'screen:0:0', name: 'Entire screen', thumbnail: image('data:image/png;base64,SCREEN'), appIcon: null },
  { id: 'window:42:0', name: 'Slides — Impress', thumbnail: image('data:image/png;base64,WIN'), appIcon: image('data:image/png;base64,ICON') },
  { id: 'window:43:0', name: 'Minimised', thumbnail: image(''), appIcon: image('') },
];
const APP_FRAME = { frame: { url: 'app://merimeet/index.html' } };

function setup(platform = 'linux', extra: Partial<PickerDeps> = {}) {
  const shown: Parameters<PickerDeps['show']>[0][] = [];
  const getSources = vi.fn(async () => sources);
  const picker = createDisplayPicker({ getSources, show: (p) => shown.push(p), platform, ...extra });
  const grants: Grant[] = [];
  const callback = (g: Grant) => grants.push(g);
  return { picker, shown, grants, callback, getSources };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('window picker flow', () => {
  it('lists screens and windows with thumbnails and icons, then grants the chosen window', async () => {
    const { picker, shown, grants, callback, getSources } = setup();
    await picker.handleRequest(APP_FRAME, callback);
    expect(getSources).toHaveBeenCalledWith({ types: ['screen', 'window'], thumbnailSize: { width: 320, height: 180 }, fetchWindowIcons: true });
    expect(shown).toEqual([
      {
        requestId: 1,
        audioAvailable: false,
        sources: [
          { id: 'screen:0:0', name: 'Entire screen', kind: 'screen', thumbnail: 'data:image/png;base64,SCREEN', icon: null },
          { id: 'window:42:0', name: 'Slides — Impress', kind: 'window', thumbnail: 'data:image/png;base64,WIN', icon: 'data:image/png;base64,ICON' },
          { id: 'window:43:0', name: 'Minimised', kind: 'window', thumbnail: '', icon: null },
        ],
      },
    ]);
    expect(grants).toEqual([]);
    picker.choose(1, 'window:42:0', true);
    expect(grants).toEqual([{ video: sources[1] }]); // no system audio on Linux
  });

  it('adds system audio on Windows when asked', async () => {
    const { picker, grants, callback, shown } = setup('win32');
    await picker.handleRequest(APP_FRAME, callback);
    expect(shown[0]?.audioAvailable).toBe(true);
    picker.choose(1, 'screen:0:0', true);
    expect(grants).toEqual([{ video: sources[0], audio: 'loopback' }]);
  });

  it('denies when the person cancels', async () => {
    const { picker, grants, callback } = setup();
    await picker.handleRequest(APP_FRAME, callback);
    picker.choose(1, null, false);
    expect(grants).toEqual([null]);
  });

  it('never grants a source that was not offered for this request, and closes the request', async () => {
    const { picker, grants, callback } = setup();
    await picker.handleRequest(APP_FRAME, callback);
    expect(() => picker.choose(1, 'window:999:0', false)).toThrow(PickerError);
    expect(grants).toEqual([null]);
    expect(() => picker.choose(1, 'screen:0:0', false)).toThrow(/no such picker request/);
  });

  it('refuses answers to unknown or stale requests', async () => {
    const { picker, grants, callback } = setup();
    expect(() => picker.choose(1, 'screen:0:0', false)).toThrow(/no such picker request/);
    await picker.handleRequest(APP_FRAME, callback);
    await picker.handleRequest(APP_FRAME, callback); // the first one is cancelled
    expect(grants).toEqual([null]);
    expect(() => picker.choose(1, 'screen:0:0', false)).toThrow(/no such picker request/);
    picker.choose(2, 'screen:0:0', false);
    expect(grants).toEqual([null, { video: sources[0] }]);
  });

  it.each([null, { url: 'https://evil.example/' }, { url: 'file:///tmp/x.html' }])('denies a request from %j without listing anything', async (frame) => {
    const { picker, grants, callback, getSources, shown } = setup();
    await picker.handleRequest({ frame }, callback);
    expect(grants).toEqual([null]);
    expect(getSources).not.toHaveBeenCalled();
    expect(shown).toEqual([]);
  });

  it('cancels when nobody chooses in time', async () => {
    vi.useFakeTimers();
    const { picker, grants, callback } = setup('linux', { timeoutMs: 1000 });
    await picker.handleRequest(APP_FRAME, callback);
    vi.advanceTimersByTime(1001);
    expect(grants).toEqual([null]);
  });

  it('denies when the sources cannot be listed (e.g. no screen-capture permission on macOS)', async () => {
    const { picker, grants, callback } = setup('darwin', { getSources: async () => Promise.reject(new Error('denied')) });
    await picker.handleRequest(APP_FRAME, callback);
    expect(grants).toEqual([null]);
  });
});

describe('window picker: live thumbnails, last shared window', () => {
  it('refreshes the thumbnails every second while open, and stops when a source is chosen', async () => {
    vi.useFakeTimers();
    const refreshed: unknown[] = [];
    let frame = 0;
    const getSources = vi.fn(async () => sources.map((s) => ({ ...s, thumbnail: image(`data:image/png;base64,F${frame}`) })));
    const picker = createDisplayPicker({ getSources, show: () => undefined, refresh: (p) => refreshed.push(p), platform: 'linux' });
    const grants: Grant[] = [];
    await picker.handleRequest(APP_FRAME, (g) => grants.push(g));
    frame = 1;
    await vi.advanceTimersByTimeAsync(1000);
    frame = 2;
    await vi.advanceTimersByTimeAsync(1000);
    expect(refreshed).toHaveLength(2);
    expect(refreshed[1]).toMatchObject({ requestId: 1, sources: [{ id: 'screen:0:0', thumbnail: 'data:image/png;base64,F2' }, {}, {}] });
    picker.choose(1, 'window:42:0', false);
    await vi.advanceTimersByTimeAsync(3000);
    expect(refreshed).toHaveLength(2);
    expect(getSources).toHaveBeenCalledTimes(3);
  });

  it('offers the window shared last (this session) first next time, while it still exists', async () => {
    const { picker, shown, callback } = setup();
    await picker.handleRequest(APP_FRAME, callback);
    expect(shown[0]).not.toHaveProperty('lastSourceId');
    picker.choose(1, 'window:42:0', false);
    await picker.handleRequest(APP_FRAME, callback);
    expect(shown[1]?.lastSourceId).toBe('window:42:0');
    picker.choose(2, null, false); // cancelling forgets nothing
    await picker.handleRequest(APP_FRAME, callback);
    expect(shown[2]?.lastSourceId).toBe('window:42:0');
  });

  it('never serves the quick-join window', async () => {
    const { picker, grants, shown } = setup();
    await picker.handleRequest({ frame: { url: 'app://merimeet/index.html?window=quick-join' } }, (g) => grants.push(g));
    expect(grants).toEqual([null]);
    expect(shown).toEqual([]);
  });
});
