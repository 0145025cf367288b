/**
 * "Share a specific window": when the page calls getDisplayMedia, Electron
 * asks session.setDisplayMediaRequestHandler; this module lists screens and
 * windows (desktopCapturer, a parameter here) with thumbnails and app icons,
 * shows them to the window's own picker (event `picker:show`), and grants
 * exactly the source the person chose (`picker:choose`), or nothing.
 *
 * Rules: only the app's own page may ask; only a source offered for THIS
 * request can be granted; a newer request cancels an older one; no answer in
 * time cancels. System audio ("loopback") only where Electron supports it
 * (Windows).
 *
 * While the picker is open its thumbnails are live: the sources are listed
 * again every second (`picker:refresh`; windows that opened meanwhile can be
 * chosen too). The last window shared is remembered for the session (this
 * module's lifetime, never on disk) and offered first next time.
 */
import { windowRoleOfUrl, type DisplaySource } from '../common/ipc-contract.js';
import { isAppUrl } from './security/window-policy.js';

/** The parts of Electron's NativeImage and DesktopCapturerSource used here. */
export interface ImageLike {
  isEmpty(): boolean;
  toDataURL(): string;
}
export interface CapturerSource {
  readonly id: string;
  readonly name: string;
  readonly thumbnail: ImageLike;
  readonly appIcon: ImageLike | null;
}
export interface GetSourcesOptions {
  types: ('screen' | 'window')[];
  thumbnailSize: { width: number; height: number };
  fetchWindowIcons: boolean;
}

/** What Electron's handler callback takes: a grant, or null to deny. */
export type Grant = { video: CapturerSource; audio?: 'loopback' } | null;

export interface DisplayRequest {
  readonly frame: { readonly url: string } | null;
}

export interface PickerDeps {
  getSources(options: GetSourcesOptions): Promise<CapturerSource[]>;
  show(payload: { requestId: number; sources: DisplaySource[]; audioAvailable: boolean; lastSourceId?: string }): void;
  /** Fresh thumbnails for the open picker; absent: no refreshing. */
  refresh?(payload: { requestId: number; sources: DisplaySource[] }): void;
  /** How often the open picker's thumbnails are refreshed. */
  refreshEveryMs?: number;
  platform: string;
  /** Cancel when nobody chooses within this time. */
  timeoutMs?: number;
}

export class PickerError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_request',
    message: string,
  ) {
    super(message);
    this.name = 'PickerError';
  }
}

export interface DisplayPicker {
  handleRequest(request: DisplayRequest, callback: (grant: Grant) => void): Promise<void>;
  choose(requestId: number, sourceId: string | null, audio: boolean): void;
}

export const THUMBNAIL_SIZE = { width: 320, height: 180 };
export const PICKER_REFRESH_MS = 1000;
const LIST_OPTIONS: GetSourcesOptions = { types: ['screen', 'window'], thumbnailSize: THUMBNAIL_SIZE, fetchWindowIcons: true };

function describeSource(s: CapturerSource): DisplaySource {
  return {
    id: s.id,
    name: s.name.slice(0, 200),
    kind: s.id.startsWith('screen:') ? 'screen' : 'window',
    thumbnail: s.thumbnail.isEmpty() ? '' : s.thumbnail.toDataURL(),
    icon: s.appIcon === null || s.appIcon.isEmpty() ? null : s.appIcon.toDataURL(),
  };
}

interface Pending {
  id: number;
  sources: Map<string, CapturerSource>;
  callback: (g: Grant) => void;
  timer: ReturnType<typeof setTimeout>;
  refresher: ReturnType<typeof setInterval> | null;
}

export function createDisplayPicker(deps: PickerDeps): DisplayPicker {
  const audioAvailable = deps.platform === 'win32';
  let nextId = 1;
  let pending: Pending | null = null;
  /** The source last granted, for this session only. */
  let lastSourceId: string | null = null;

  const settle = (grant: Grant) => {
    if (pending === null) return;
    const { callback, timer, refresher } = pending;
    clearTimeout(timer);
    if (refresher !== null) clearInterval(refresher);
    pending = null;
    if (grant !== null) lastSourceId = grant.video.id;
    callback(grant);
  };

  const refresh = async (id: number): Promise<void> => {
    let sources: CapturerSource[];
    try {
      sources = await deps.getSources(LIST_OPTIONS);
    } catch {
      return; // keep showing the last thumbnails; the next tick tries again
    }
    if (pending?.id !== id) return; // chosen or cancelled meanwhile
    pending.sources = new Map(sources.map((s) => [s.id, s]));
    deps.refresh?.({ requestId: id, sources: sources.map(describeSource) });
  };

  return {
    async handleRequest(request, callback) {
      if (request.frame === null || !isAppUrl(request.frame.url) || windowRoleOfUrl(request.frame.url) !== 'main') {
        callback(null);
        return;
      }
      settle(null); // a newer request replaces one still open
      let sources: CapturerSource[];
      try {
        sources = await deps.getSources(LIST_OPTIONS);
      } catch {
        callback(null);
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        if (pending?.id === id) settle(null);
      }, deps.timeoutMs ?? 120_000);
      const refresher = deps.refresh === undefined ? null : setInterval(() => void refresh(id), deps.refreshEveryMs ?? PICKER_REFRESH_MS);
      pending = { id, sources: new Map(sources.map((s) => [s.id, s])), callback, timer, refresher };
      const last = lastSourceId !== null && pending.sources.has(lastSourceId) ? { lastSourceId } : {};
      deps.show({ requestId: id, audioAvailable, sources: sources.map(describeSource), ...last });
    },
    choose(requestId, sourceId, audio) {
      if (pending === null || pending.id !== requestId) throw new PickerError('not_found', 'no such picker request');
      if (sourceId === null) {
        settle(null);
        return;
      }
      const source = pending.sources.get(sourceId);
      if (source === undefined) {
        settle(null);
        throw new PickerError('bad_request', 'that source was not offered');
      }
      settle(audio && audioAvailable ? { video: source, audio: 'loopback' } : { video: source });
    },
  };
}
