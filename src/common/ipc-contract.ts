/**
 * The IPC contract between the desktop app's main process and its window: the
 * ONE place that declares every channel, with a valibot schema for what the
 * window sends and for what main answers. Environment-free (no Node, no
 * Electron): main validates with it (src/main/ipc/router.ts), the preload
 * builds its named methods from it (src/preload/bridge.ts), and the renderer
 * gets its types.
 *
 * Rules
 * - Every request object is `strictObject`: an unknown key is an error, not
 *   ignored, so nothing rides along unchecked.
 * - Strings are bounded. Nothing here is ever a path, a URL main will load,
 *   or code: URLs are parsed and re-checked by main's own policies.
 * - Replies are validated too (in main, before sending), so a handler bug can
 *   never leak a field the contract does not declare (e.g. a password).
 */
import * as v from 'valibot';
import { DisplayName, Key32, MeetingId, MeetingTitle } from '@merimeet/signaling/protocol';
import { isAccelerator } from './accelerator.js';

/** Longest URL main accepts from the window. */
export const MAX_IPC_URL = 2048;
/** Meeting passwords: generated ones have 10 characters; room for hand-typed ones, not megabytes. */
export const MAX_MEETING_PASSWORD = 128;
/** At most this many recent meetings are kept. */
export const MAX_RECENT_MEETINGS = 10;
/** At most this many servers. */
export const MAX_SERVERS = 20;

/** A signaling server: `wss://host[:port]/path`, nothing else (no credentials, no fragment). */
export const ServerUrl = v.pipe(
  v.string(),
  v.maxLength(MAX_IPC_URL),
  v.check((s) => isServerUrl(s), 'server: expected wss://host[:port]/path without credentials'),
);

/** Whether `s` is a well-formed signaling server address (`wss:` only; `ws:` only on loopback). */
export function isServerUrl(s: string): boolean {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return false;
  }
  if (url.protocol !== 'wss:' && !(url.protocol === 'ws:' && isLoopbackHost(url.hostname))) return false;
  return url.username === '' && url.password === '' && url.hash === '' && url.hostname !== '' && url.href === s;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** A meeting password as people type it: printable, bounded. */
export const MeetingPassword = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(MAX_MEETING_PASSWORD),
  // eslint-disable-next-line no-control-regex
  v.regex(/^[^\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]*$/u, 'password has control characters'),
);

/** SHA-256 certificate fingerprint as Node's X509Certificate prints it: `AB:CD:…` (32 bytes). */
export const Fingerprint256 = v.pipe(v.string(), v.regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'fingerprint: 32 hex bytes'));

/** A host as pins are keyed: lowercase hostname, optional :port. */
export const PinHost = v.pipe(v.string(), v.maxLength(300), v.regex(/^[a-z0-9.\-[\]:]+$/, 'host'));

/** A global shortcut in canonical form (src/common/accelerator.ts). */
export const Accelerator = v.pipe(v.string(), v.maxLength(60), v.check(isAccelerator, 'shortcut: not a canonical accelerator'));

export const Preferences = v.strictObject({
  startMuted: v.boolean(),
  closeToTray: v.boolean(),
  launchAtLogin: v.boolean(),
  /** Show notifications (someone joined, wrote) while the window is hidden. */
  notifications: v.boolean(),
  /** Connect through the TURN relay only: the pre-join default. */
  relayOnly: v.boolean(),
  /** Quick join goes straight into the call (false: to pre-join first). */
  quickJoinDirect: v.boolean(),
  /** Check for updates and download them in the background. */
  autoUpdate: v.boolean(),
  /** Global mute shortcut, or null for none. */
  muteShortcut: v.nullable(Accelerator),
  /** Hold Space in the meeting window to talk while muted. */
  pushToTalk: v.boolean(),
});
export type Preferences = v.InferOutput<typeof Preferences>;

const DeviceId = v.nullable(v.pipe(v.string(), v.maxLength(512)));
export const Devices = v.strictObject({ cameraId: DeviceId, micId: DeviceId, speakerId: DeviceId });
export type Devices = v.InferOutput<typeof Devices>;

export const ServerEntry = v.strictObject({
  url: ServerUrl,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});
export type ServerEntry = v.InferOutput<typeof ServerEntry>;

export const RecentMeeting = v.strictObject({
  meetingId: MeetingId,
  title: v.nullable(MeetingTitle),
  server: ServerUrl,
  /** When it was last joined, ms since the epoch. */
  at: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type RecentMeeting = v.InferOutput<typeof RecentMeeting>;

/** What the window learns about the app at start. Never a secret. */
export const DesktopConfig = v.strictObject({
  version: v.string(),
  displayName: v.nullable(v.string()),
  devices: Devices,
  servers: v.array(ServerEntry),
  defaultServer: v.nullable(ServerUrl),
  recentMeetings: v.array(RecentMeeting),
  preferences: Preferences,
  /** Whether an OS keychain answers; when false, nothing secret is kept at all. */
  keychain: v.strictObject({ available: v.boolean(), reason: v.nullable(v.string()) }),
});
export type DesktopConfig = v.InferOutput<typeof DesktopConfig>;

export const CallState = v.strictObject({
  inCall: v.boolean(),
  muted: v.boolean(),
  cameraOff: v.boolean(),
  /** Sharing a screen or window (older windows did not say: false). */
  sharing: v.optional(v.boolean(), false),
  meetingId: v.nullable(MeetingId),
});
export type CallState = v.InferOutput<typeof CallState>;

const Empty = v.strictObject({});
const Ok = v.null();

export const PinnedCertificate = v.strictObject({
  host: PinHost,
  fingerprint: Fingerprint256,
  /** When it was pinned, ms since the epoch; null for pins older than pin dates. */
  pinnedAt: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type PinnedCertificate = v.InferOutput<typeof PinnedCertificate>;

export const StoredData = v.strictObject({
  settingsFile: v.string(),
  servers: v.number(),
  recentMeetings: v.number(),
  pins: v.number(),
  /** Keychain entries by kind (their names only; never what they hold). */
  keychain: v.strictObject({
    available: v.boolean(),
    sessions: v.array(ServerUrl),
    meetingPasswords: v.number(),
  }),
});
export type StoredData = v.InferOutput<typeof StoredData>;

export const UpdateStatus = v.strictObject({
  state: v.picklist(['disabled', 'idle', 'checking', 'downloading', 'ready', 'waiting-for-call', 'error']),
  /** The version found, once one is. */
  version: v.nullable(v.pipe(v.string(), v.maxLength(64))),
  /** 0–100 while downloading. */
  percent: v.nullable(v.number()),
  error: v.nullable(v.pipe(v.string(), v.maxLength(300))),
});
export type UpdateStatus = v.InferOutput<typeof UpdateStatus>;

export const QuickJoinRequest = v.variant('kind', [
  v.strictObject({ kind: v.literal('join'), server: v.nullable(ServerUrl), meetingId: MeetingId, password: MeetingPassword }),
  v.strictObject({ kind: v.literal('rejoin'), server: ServerUrl, meetingId: MeetingId }),
  v.strictObject({ kind: v.literal('new-meeting') }),
]);
export type QuickJoinRequest = v.InferOutput<typeof QuickJoinRequest>;

/** Request/reply schemas per invoke channel (window → main → window). */
export const invokeChannels = {
  'config:get': { request: Empty, reply: DesktopConfig },
  'session:get': { request: v.strictObject({ server: ServerUrl }), reply: v.strictObject({ token: v.nullable(Key32) }) },
  'session:set': { request: v.strictObject({ server: ServerUrl, token: Key32 }), reply: Ok },
  'session:clear': { request: v.strictObject({ server: ServerUrl }), reply: Ok },
  'meeting-password:remember': {
    request: v.strictObject({ server: ServerUrl, meetingId: MeetingId, password: MeetingPassword }),
    reply: Ok,
  },
  'meeting-password:recall': {
    request: v.strictObject({ server: ServerUrl, meetingId: MeetingId }),
    reply: v.strictObject({ password: v.nullable(MeetingPassword) }),
  },
  'meeting-password:forget': { request: v.strictObject({ server: ServerUrl, meetingId: MeetingId }), reply: Ok },
  'recent:add': {
    request: v.strictObject({ server: ServerUrl, meetingId: MeetingId, title: v.nullable(MeetingTitle) }),
    reply: Ok,
  },
  'settings:update': {
    request: v.strictObject({
      displayName: v.optional(v.nullable(DisplayName)),
      devices: v.optional(Devices),
      /** Only the preferences named change; main merges and validates the result. */
      preferences: v.optional(v.partial(Preferences)),
    }),
    reply: DesktopConfig,
  },
  'pins:list': { request: Empty, reply: v.strictObject({ pins: v.array(PinnedCertificate) }) },
  'pins:forget': { request: v.strictObject({ host: PinHost }), reply: Ok },
  /** What this computer keeps: counts and names, never a secret. */
  'data:summary': { request: Empty, reply: StoredData },
  /** Deletes every keychain entry of the app and resets the settings file. */
  'data:forget-everything': { request: Empty, reply: DesktopConfig },
  'update:status': { request: Empty, reply: UpdateStatus },
  'update:check': { request: Empty, reply: UpdateStatus },
  /** Restart into a downloaded, verified update; refused during a call. */
  'update:restart': { request: Empty, reply: Ok },
  /** Quick-join window only: what it shows. */
  'quick-join:state': {
    request: Empty,
    reply: v.strictObject({ signedIn: v.boolean(), server: v.nullable(ServerUrl), recentMeetings: v.array(RecentMeeting) }),
  },
  /** Quick-join window only: join (a link's or typed id and password, or a recent meeting), or start a new meeting. */
  'quick-join:submit': { request: QuickJoinRequest, reply: Ok },
  'quick-join:close': { request: Empty, reply: Ok },
  'servers:add': { request: ServerEntry, reply: DesktopConfig },
  'servers:remove': { request: v.strictObject({ url: ServerUrl }), reply: DesktopConfig },
  'servers:set-default': { request: v.strictObject({ url: ServerUrl }), reply: DesktopConfig },
  /** The person's answer to a first-contact certificate prompt (only a pending prompt can be answered). */
  'certificate:decide': {
    request: v.strictObject({ host: PinHost, fingerprint: Fingerprint256, trust: v.boolean() }),
    reply: Ok,
  },
  /** The person's choice in the screen/window picker; `sourceId: null` cancels. */
  'picker:choose': {
    request: v.strictObject({
      requestId: v.pipe(v.number(), v.integer(), v.minValue(1)),
      sourceId: v.nullable(v.pipe(v.string(), v.maxLength(200))),
      audio: v.boolean(),
    }),
    reply: Ok,
  },
  'call:state': { request: CallState, reply: Ok },
  'notify': {
    request: v.strictObject({
      kind: v.picklist(['joined', 'message']),
      title: v.pipe(v.string(), v.maxLength(200)),
      body: v.pipe(v.string(), v.maxLength(500)),
    }),
    reply: v.strictObject({ shown: v.boolean() }),
  },
  'link:open': {
    request: v.strictObject({ url: v.pipe(v.string(), v.maxLength(MAX_IPC_URL)) }),
    reply: v.strictObject({ opened: v.boolean() }),
  },
  'host:start': { request: Empty, reply: v.strictObject({ server: ServerUrl, fingerprint: Fingerprint256 }) },
  'host:stop': { request: Empty, reply: Ok },
} as const;

export type InvokeChannel = keyof typeof invokeChannels;

/** The quick-join window's page (the same renderer, told which window it is). */
export const QUICK_JOIN_PAGE = 'index.html?window=quick-join';
/** The only channels the quick-join window may call; the main window may call all the others. */
export const QUICK_JOIN_CHANNELS: readonly InvokeChannel[] = ['quick-join:state', 'quick-join:submit', 'quick-join:close'];
export type WindowRole = 'main' | 'quick-join';

/** Which of the app's windows a page URL (already known to be the app's) is. */
export function windowRoleOfUrl(url: string): WindowRole {
  try {
    return new URL(url).searchParams.get('window') === 'quick-join' ? 'quick-join' : 'main';
  } catch {
    return 'main';
  }
}

/** Whether a window of `role` may call `channel`. */
export function mayCall(role: WindowRole, channel: InvokeChannel): boolean {
  return QUICK_JOIN_CHANNELS.includes(channel) === (role === 'quick-join');
}
export type RequestOf<C extends InvokeChannel> = v.InferInput<(typeof invokeChannels)[C]['request']>;
export type ReplyOf<C extends InvokeChannel> = v.InferOutput<(typeof invokeChannels)[C]['reply']>;

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.hasOwn(invokeChannels, name);
}

/** What main answers on every invoke: a value, or an error with a stable code. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: { code: IpcErrorCode; message: string } };
export type IpcErrorCode =
  | 'unknown_channel'
  | 'forbidden_sender'
  | 'bad_request'
  | 'keychain_unavailable'
  | 'not_found'
  | 'conflict'
  | 'in_call'
  | 'failed';

export const DisplaySource = v.strictObject({
  id: v.string(),
  name: v.string(),
  kind: v.picklist(['screen', 'window']),
  /** PNG data: URLs (the picker shows them; the CSP allows img-src data:). */
  thumbnail: v.string(),
  icon: v.nullable(v.string()),
});
export type DisplaySource = v.InferOutput<typeof DisplaySource>;

export const TrayAction = v.variant('action', [
  v.strictObject({ action: v.literal('toggle-mic') }),
  v.strictObject({ action: v.literal('toggle-camera') }),
  v.strictObject({ action: v.literal('leave') }),
  v.strictObject({ action: v.literal('new-meeting') }),
  v.strictObject({ action: v.literal('join-meeting') }),
  v.strictObject({
    action: v.literal('rejoin'),
    server: ServerUrl,
    meetingId: MeetingId,
    password: v.nullable(MeetingPassword),
  }),
  /** From the quick-join window: `direct` joins at once, else pre-join. */
  v.strictObject({
    action: v.literal('join'),
    server: v.nullable(ServerUrl),
    meetingId: MeetingId,
    password: v.nullable(MeetingPassword),
    direct: v.boolean(),
  }),
  v.strictObject({ action: v.literal('stop-sharing') }),
  v.strictObject({ action: v.literal('open-settings') }),
]);
export type TrayAction = v.InferOutput<typeof TrayAction>;

export const JoinLink = v.strictObject({ server: v.nullable(ServerUrl), meetingId: MeetingId, password: v.nullable(MeetingPassword) });
export type JoinLink = v.InferOutput<typeof JoinLink>;

/** Schemas per event channel (main → window). */
export const eventChannels = {
  'tray:action': TrayAction,
  'deep-link': JoinLink,
  'picker:show': v.strictObject({
    requestId: v.number(),
    sources: v.array(DisplaySource),
    audioAvailable: v.boolean(),
    /** The window shared last in this session, when it is still there: offered first. */
    lastSourceId: v.optional(v.string()),
  }),
  'certificate:first-contact': v.strictObject({ host: PinHost, fingerprint: Fingerprint256 }),
  'certificate:changed': v.strictObject({ host: PinHost, expected: Fingerprint256, presented: Fingerprint256 }),
  'update:status': UpdateStatus,
  /** The picker's sources again (fresh thumbnails), while it is open. */
  'picker:refresh': v.strictObject({ requestId: v.number(), sources: v.array(DisplaySource) }),
} as const;
export type EventChannel = keyof typeof eventChannels;
export type EventOf<C extends EventChannel> = v.InferOutput<(typeof eventChannels)[C]>;
