/**
 * The app's settings, in one JSON file written atomically by electron-store
 * (conf underneath), validated against a JSON schema on every read and write.
 * It never holds a secret: session tokens and meeting passwords live in the OS
 * keychain (keychain.ts). The schema forbids unknown keys everywhere, so a
 * `token` or `password` field cannot be written here by mistake.
 *
 * Certificate pins (host → SHA-256 fingerprint) live here too: they are not
 * secret, only integrity-relevant, like SSH's known_hosts.
 */
import { renameSync } from 'node:fs';
import ElectronStore from 'electron-store';
import {
  MAX_RECENT_MEETINGS,
  MAX_SERVERS,
  type Devices,
  type PinnedCertificate,
  type Preferences,
  type RecentMeeting,
  type ServerEntry,
} from '../common/ipc-contract.js';
import { DEFAULT_PREFERENCES } from './default-preferences.js';

export interface SettingsData {
  displayName: string | null;
  devices: Devices;
  servers: ServerEntry[];
  defaultServer: string | null;
  recentMeetings: RecentMeeting[];
  preferences: Preferences;
  /** `host[:port]` → fingerprint (`AB:CD:…`). */
  pins: Record<string, string>;
  /** `host[:port]` → when it was pinned (ms since the epoch); pins from before 0.1.0's pin dates have none. */
  pinDates: Record<string, number>;
}

export { DEFAULT_PREFERENCES } from './default-preferences.js';

const nullableString = (maxLength: number) => ({ type: ['string', 'null'], maxLength });
const fingerprintPattern = '^([0-9A-F]{2}:){31}[0-9A-F]{2}$';

/** JSON schema per top-level key (electron-store's `schema` option). Unknown keys are refused at every level. */
export const SETTINGS_SCHEMA = {
  displayName: { ...nullableString(64), default: null },
  devices: {
    type: 'object',
    additionalProperties: false,
    required: ['cameraId', 'micId', 'speakerId'],
    properties: { cameraId: nullableString(512), micId: nullableString(512), speakerId: nullableString(512) },
    default: { cameraId: null, micId: null, speakerId: null },
  },
  servers: {
    type: 'array',
    maxItems: MAX_SERVERS,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'name'],
      properties: {
        url: { type: 'string', pattern: '^wss?://', maxLength: 2048 },
        name: { type: 'string', minLength: 1, maxLength: 100 },
      },
    },
    default: [],
  },
  defaultServer: { type: ['string', 'null'], pattern: '^wss?://', maxLength: 2048, default: null },
  recentMeetings: {
    type: 'array',
    maxItems: MAX_RECENT_MEETINGS,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['meetingId', 'title', 'server', 'at'],
      properties: {
        meetingId: { type: 'string', pattern: '^[a-hjkmnp-z]{3}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{3}$' },
        title: nullableString(200),
        server: { type: 'string', pattern: '^wss?://', maxLength: 2048 },
        at: { type: 'integer', minimum: 0 },
      },
    },
    default: [],
  },
  preferences: {
    type: 'object',
    additionalProperties: false,
    required: ['startMuted', 'closeToTray', 'launchAtLogin'],
    properties: {
      startMuted: { type: 'boolean' },
      closeToTray: { type: 'boolean' },
      launchAtLogin: { type: 'boolean' },
      notifications: { type: 'boolean' },
      relayOnly: { type: 'boolean' },
      quickJoinDirect: { type: 'boolean' },
      autoUpdate: { type: 'boolean' },
      muteShortcut: { type: ['string', 'null'], maxLength: 60 },
      pushToTalk: { type: 'boolean' },
    },
    default: { startMuted: false, closeToTray: true, launchAtLogin: false },
  },
  pins: {
    type: 'object',
    maxProperties: 200,
    propertyNames: { maxLength: 300, pattern: '^[a-z0-9.\\-\\[\\]:]+$' },
    additionalProperties: { type: 'string', pattern: fingerprintPattern },
    default: {},
  },
  pinDates: {
    type: 'object',
    maxProperties: 200,
    propertyNames: { maxLength: 300, pattern: '^[a-z0-9.\\-\\[\\]:]+$' },
    additionalProperties: { type: 'integer', minimum: 0 },
    default: {},
  },
} as const;

type AnyStore = ElectronStore<Record<string, unknown>>;

/**
 * Migrations, keyed by the app version that introduced the layout (conf runs
 * each once, in order, when the app version passes it).
 *
 * 0.1.0: pre-release builds kept ONE server as `server` (a string) and could
 * keep a meeting password inside a recent meeting. The server becomes the
 * default entry of `servers`; any password, token or other unknown key in a
 * recent meeting is dropped (secrets belong in the keychain only).
 */
export const SETTINGS_MIGRATIONS: Record<string, (store: AnyStore) => void> = {
  '0.1.0': (store) => {
    const legacy = store.get('server');
    if (typeof legacy === 'string' && /^wss?:\/\//.test(legacy)) {
      const servers = (store.get('servers') as ServerEntry[] | undefined) ?? [];
      if (!servers.some((s) => s.url === legacy)) servers.unshift({ url: legacy, name: new URL(legacy).host });
      store.set('servers', servers);
      if (store.get('defaultServer') == null) store.set('defaultServer', legacy);
    }
    store.delete('server' as never);
    const recent = store.get('recentMeetings');
    if (Array.isArray(recent)) {
      store.set(
        'recentMeetings',
        recent.map((r: Record<string, unknown>) => ({
          meetingId: r.meetingId,
          title: r.title ?? null,
          server: r.server,
          at: typeof r.at === 'number' ? r.at : 0,
        })),
      );
    }
  },
};

export interface Settings {
  /** Absolute path of the settings file. */
  readonly path: string;
  get(): Omit<SettingsData, 'pins' | 'pinDates'>;
  /** Only the preferences named change. */
  update(patch: { displayName?: string | null; devices?: Devices; preferences?: Partial<Preferences> }): void;
  addServer(entry: ServerEntry): void;
  removeServer(url: string): void;
  setDefaultServer(url: string): void;
  addRecentMeeting(meeting: Omit<RecentMeeting, 'at'>, at: number): void;
  getPin(host: string): string | null;
  setPin(host: string, fingerprint: string): void;
  listPins(): PinnedCertificate[];
  /** Forgets a pin: the next contact with that host asks again. */
  forgetPin(host: string): void;
  /** Back to a fresh file: every key at its default. */
  clear(): void;
}

export interface OpenSettingsOptions {
  /** Absolute directory for the file (the app's userData in production). */
  cwd: string;
  /** The app's version (drives migrations). */
  appVersion: string;
  /** File name without extension. */
  name?: string;
  /** Told when an unreadable settings file was set aside. */
  onReset?: (info: { movedTo: string; reason: string }) => void;
  /** The clock for pin dates. */
  now?: () => number;
}

function openStore(options: OpenSettingsOptions): AnyStore {
  return new ElectronStore<Record<string, unknown>>({
    cwd: options.cwd,
    name: options.name ?? 'settings',
    projectVersion: options.appVersion,
    schema: SETTINGS_SCHEMA as never,
    // No top-level key beyond the schema's (conf's own bookkeeping key aside).
    rootSchema: { additionalProperties: false, propertyNames: { enum: [...Object.keys(SETTINGS_SCHEMA), '__internal__'] } },
    migrations: SETTINGS_MIGRATIONS as never,
    clearInvalidConfig: false,
    // The file is plain JSON by design: it holds nothing secret, and people may read it.
    accessPropertiesByDotNotation: false,
  });
}

/**
 * Opens (creating if needed) the settings. A file that is not valid JSON or
 * breaks the schema is moved aside (`settings.json.invalid-<time>`, never
 * deleted) and a fresh one is started.
 */
export function openSettings(options: OpenSettingsOptions): Settings {
  let store: AnyStore;
  try {
    store = openStore(options);
  } catch (err) {
    const file = `${options.cwd}/${options.name ?? 'settings'}.json`;
    const movedTo = `${file}.invalid-${Date.now()}`;
    renameSync(file, movedTo);
    options.onReset?.({ movedTo, reason: err instanceof Error ? err.message : String(err) });
    store = openStore(options);
  }

  const read = <K extends keyof SettingsData>(key: K): SettingsData[K] => store.get(key) as SettingsData[K];

  return {
    path: store.path,
    get: () => ({
      displayName: read('displayName'),
      devices: read('devices'),
      servers: read('servers'),
      defaultServer: read('defaultServer'),
      recentMeetings: read('recentMeetings'),
      preferences: { ...DEFAULT_PREFERENCES, ...read('preferences') },
    }),
    update(patch) {
      if (patch.displayName !== undefined) store.set('displayName', patch.displayName);
      if (patch.devices !== undefined) store.set('devices', patch.devices);
      if (patch.preferences !== undefined) {
        const defined = Object.entries(patch.preferences).filter(([, value]) => value !== undefined);
        store.set('preferences', { ...DEFAULT_PREFERENCES, ...read('preferences'), ...Object.fromEntries(defined) });
      }
    },
    addServer(entry) {
      const servers = read('servers').filter((s) => s.url !== entry.url);
      if (servers.length >= MAX_SERVERS) throw new Error(`at most ${MAX_SERVERS} servers`);
      store.set('servers', [...servers, entry]);
      if (read('defaultServer') === null) store.set('defaultServer', entry.url);
    },
    removeServer(url) {
      const servers = read('servers').filter((s) => s.url !== url);
      store.set('servers', servers);
      if (read('defaultServer') === url) store.set('defaultServer', servers[0]?.url ?? null);
    },
    setDefaultServer(url) {
      if (!read('servers').some((s) => s.url === url)) throw new Error('not a configured server');
      store.set('defaultServer', url);
    },
    addRecentMeeting(meeting, at) {
      const others = read('recentMeetings').filter((r) => !(r.meetingId === meeting.meetingId && r.server === meeting.server));
      store.set('recentMeetings', [{ ...meeting, at }, ...others].slice(0, MAX_RECENT_MEETINGS));
    },
    getPin: (host) => read('pins')[host] ?? null,
    setPin(host, fingerprint) {
      store.set('pins', { ...read('pins'), [host]: fingerprint });
      store.set('pinDates', { ...read('pinDates'), [host]: Math.floor((options.now ?? Date.now)()) });
    },
    listPins: () => {
      const dates = read('pinDates');
      return Object.entries(read('pins'))
        .map(([host, fingerprint]) => ({ host, fingerprint, pinnedAt: dates[host] ?? null }))
        .sort((a, b) => a.host.localeCompare(b.host));
    },
    forgetPin(host) {
      const { [host]: _pin, ...pins } = read('pins');
      const { [host]: _date, ...dates } = read('pinDates');
      store.set('pins', pins);
      store.set('pinDates', dates);
    },
    clear: () => store.clear(),
  };
}
