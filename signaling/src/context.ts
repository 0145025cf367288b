/**
 * The services one server process is made of, built once at start-up and
 * handed to every connection. Tests build servers through startServer(), so
 * nothing here is a module-level singleton.
 */
import { AccountService } from './accounts/account-service.js';
import type { ServerConfig } from './config.js';
import { iceServersFor } from './ice/turn-credentials.js';
import { MeetingStore } from './meetings/meeting-store.js';
import type { Logger } from './observability/logger.js';
import type { ServerMetrics } from './observability/metrics.js';
import { peerInfo } from './rooms/member.js';
import { RoomRegistry } from './rooms/room-registry.js';
import { BackoffThrottle, POLICIES, type BackoffPolicy } from './security/backoff-throttle.js';
import { MeetingAdmissionThrottle } from './security/meeting-admission-throttle.js';
import { ResumeTokens } from './security/resume-token.js';
import { RemovalBans } from './rooms/removal-bans.js';
import { SfuMeetings } from './sfu/sfu-meetings.js';
import { getOrCreateSecret, revokePeer, type Db } from './store/database.js';

/** Registrations each cost a slow scrypt hash; a few per address, then back off. */
const REGISTER_PER_ADDRESS: BackoffPolicy = {
  freeFailures: 20,
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  forgetAfterMs: 60 * 60_000,
};
/** Removed participants cannot come back with their resume token for this long. */
const REMOVAL_MEMORY_MS = 24 * 3600_000;

export interface Authenticated {
  accountId: number;
  username: string;
  token: string;
}

/** What a connection needs to know about itself from the outside (for log-out everywhere). */
export interface SessionHolder {
  principal: Authenticated | null;
}

export interface ServerContext {
  config: ServerConfig;
  logger: Logger;
  metrics: ServerMetrics;
  db: Db;
  accounts: AccountService;
  meetings: MeetingStore;
  rooms: RoomRegistry;
  /** Meetings past the mesh limit, on Janus; null without --sfu-url. */
  sfu: SfuMeetings | null;
  resumeTokens: ResumeTokens;
  /** Who the host removed, per meeting: they rejoin only through the lobby. */
  removals: RemovalBans;
  throttles: {
    loginPerAccount: BackoffThrottle;
    loginPerAddress: BackoffThrottle;
    registerPerAddress: BackoffThrottle;
    admissionPerMeeting: MeetingAdmissionThrottle;
    admissionPerAddress: BackoffThrottle;
  };
  /** Live connections per account, so "log out everywhere" reaches open sockets too. */
  sessions: Map<number, Set<SessionHolder>>;
  /** Requests still being worked on (a login's hash), so shutdown can let them finish before the database closes. */
  inflight: Set<Promise<void>>;
  startedAt: number;
  draining: boolean;
}

export function createContext(config: ServerConfig, logger: Logger, metrics: ServerMetrics, db: Db): ServerContext {
  const resumeTokens = new ResumeTokens(getOrCreateSecret(db, 'resume-token-hmac'));
  const removals = new RemovalBans();
  const sfu =
    config.sfuUrls.length === 0
      ? null
      : new SfuMeetings({ urls: config.sfuUrls, apiSecret: config.sfuSecret, meshLimit: config.meshLimit, logger });
  const rooms = new RoomRegistry({
    graceMs: config.graceMs,
    welcome: (room, member, resumed) => ({
      type: 'room.joined',
      meetingId: room.id,
      peerId: member.peerId,
      hostId: room.hostId,
      locked: room.locked,
      peers: [...room.members.values()].filter((m) => m !== member).map(peerInfo),
      iceServers: iceServersFor(config, member.peerId, Date.now()),
      resumeToken: resumeTokens.issue({
        m: room.id,
        p: member.peerId,
        n: member.nonce,
        a: member.accountId,
        d: member.displayName,
        t: Date.now(),
        j: member.joinedAt,
      }),
      resumed,
      graceMs: config.graceMs,
      iceTtlMs: config.turnTtlSeconds * 1000,
      ...(sfu?.mediaOf(room) === 'sfu' ? { media: 'sfu' as const, feeds: sfu.feedsOf(room) ?? [] } : { media: 'mesh' as const }),
    }),
    departed: (room, member, reason) => {
      sfu?.memberLeft(room, member);
      logger.info({ event: 'peer_left', meetingId: room.id, peerId: member.peerId, reason });
      if (reason === 'removed') {
        revokePeer(db, room.id, member.peerId, Date.now() + REMOVAL_MEMORY_MS);
        // The owner is never banned from its own meeting (a host it handed over to may remove it).
        if (!room.isOwner(member)) removals.ban(room.id, member);
      }
    },
    empty: (room) => sfu?.roomGone(room),
  });
  return {
    config,
    logger,
    metrics,
    db,
    accounts: new AccountService(db, { sessionTtlMs: config.sessionTtlSeconds * 1000 }),
    meetings: new MeetingStore(db),
    rooms,
    sfu,
    resumeTokens,
    removals,
    throttles: {
      loginPerAccount: new BackoffThrottle(POLICIES.loginPerAccount),
      loginPerAddress: new BackoffThrottle(POLICIES.loginPerAddress),
      registerPerAddress: new BackoffThrottle(REGISTER_PER_ADDRESS),
      admissionPerMeeting: new MeetingAdmissionThrottle(POLICIES.admissionPerMeeting),
      admissionPerAddress: new BackoffThrottle(POLICIES.admissionPerAddress),
    },
    sessions: new Map(),
    inflight: new Set(),
    startedAt: Date.now(),
    draining: false,
  };
}
