/**
 * The services one server process is made of, built once at start-up and
 * handed to every connection. Tests build servers through startServer(), so
 * nothing here is a module-level singleton.
 */
import { AccountService } from './accounts/account-service.js';
import type { ServerConfig } from './config.js';
import { iceServersFor } from './ice/turn-credentials.js';
import { MeetingStore } from './meetings/meeting-store.js';
import { MAX_PARTICIPANTS, MESH_MAX_PARTICIPANTS } from './protocol/limits.js';
import type { Logger } from './observability/logger.js';
import type { ServerMetrics } from './observability/metrics.js';
import { peerInfo } from './rooms/member.js';
import { RoomRegistry } from './rooms/room-registry.js';
import { BackoffThrottle, POLICIES, type BackoffPolicy } from './security/backoff-throttle.js';
import { MeetingAdmissionThrottle } from './security/meeting-admission-throttle.js';
import { ResumeTokens } from './security/resume-token.js';
import { RemovalBans } from './rooms/removal-bans.js';
import { SfuMeetings } from './sfu/sfu-meetings.js';
import type { ClusterBus } from './cluster/cluster-bus.js';
import { FrameLink, type Envelope } from './cluster/frame-link.js';
import { Liveness } from './cluster/liveness.js';
import { RoomHomes } from './cluster/room-homes.js';
import { SharedAdmissionThrottle, SharedBackoffThrottle, SharedRemovalBans } from './cluster/shared-throttles.js';
import { revokePeer } from './store/server-state.js';
import type { SqlStore } from './store/sql.js';

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
  /** The store: SQLite in the data directory, or PostgreSQL shared by a cluster. */
  db: SqlStore;
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
  /** The link to the other instances of a cluster; null for a single server. */
  cluster: ClusterBus | null;
  /** The parts that let one meeting span instances (cluster/room-homes.ts); null for a single server. */
  spread: Spread | null;
  /** What is wrong right now (the store or the cluster unreachable), for /healthz; empty when all is well. */
  problems: string[];
}

/** A meeting across instances: who is home to each, the frames between edges and homes, who is alive. */
export interface Spread {
  homes: RoomHomes;
  link: FrameLink;
  liveness: Liveness;
  /** This instance's client connections whose meeting is homed elsewhere, by connection id. */
  proxied: Map<number, ProxiedClient>;
}

/** An edge's client connection, as frames from its meeting's home reach it (connection/edge-clients.ts). */
export interface ProxiedClient {
  readonly home: string | null;
  fromHome(envelope: Envelope): void;
}

function makeSpread(cluster: ClusterBus | null, db: SqlStore): Spread | null {
  if (!cluster) return null;
  const link = new FrameLink(cluster);
  const liveness = new Liveness(link);
  return { homes: new RoomHomes(db, cluster.instanceId, (id) => liveness.isDead(id)), link, liveness, proxied: new Map() };
}

/** One server keeps throttles and bans to itself; the instances of a cluster share them (cluster/shared-throttles.ts). */
function makeThrottles(cluster: ClusterBus | null): { throttles: ServerContext['throttles']; removals: RemovalBans } {
  const backoff = (kind: string, policy: BackoffPolicy) =>
    cluster ? new SharedBackoffThrottle(cluster, kind, policy) : new BackoffThrottle(policy);
  return {
    throttles: {
      loginPerAccount: backoff('loginPerAccount', POLICIES.loginPerAccount),
      loginPerAddress: backoff('loginPerAddress', POLICIES.loginPerAddress),
      registerPerAddress: backoff('registerPerAddress', REGISTER_PER_ADDRESS),
      admissionPerMeeting: cluster
        ? new SharedAdmissionThrottle(cluster, POLICIES.admissionPerMeeting)
        : new MeetingAdmissionThrottle(POLICIES.admissionPerMeeting),
      admissionPerAddress: backoff('admissionPerAddress', POLICIES.admissionPerAddress),
    },
    removals: cluster ? new SharedRemovalBans(cluster) : new RemovalBans(),
  };
}

export function createContext(
  config: ServerConfig,
  logger: Logger,
  metrics: ServerMetrics,
  db: SqlStore,
  resumeTokenSecret: Buffer,
  cluster: ClusterBus | null = null,
): ServerContext {
  const resumeTokens = new ResumeTokens(resumeTokenSecret);
  const { throttles, removals } = makeThrottles(cluster);
  const spread = makeSpread(cluster, db);
  const sfu =
    config.sfuUrls.length === 0
      ? null
      : new SfuMeetings({ urls: config.sfuUrls, apiSecret: config.sfuSecret, meshLimit: config.meshLimit, logger });
  const rooms = new RoomRegistry({
    graceMs: config.graceMs,
    largestMeeting: sfu === null ? MESH_MAX_PARTICIPANTS : MAX_PARTICIPANTS,
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
      ...(sfu?.mediaOf(room) === 'sfu' ? { media: 'sfu' as const, feeds: sfu.feedsOf(room) ?? [], screens: sfu.screensOf(room) ?? [] } : { media: 'mesh' as const }),
    }),
    departed: (room, member, reason) => {
      sfu?.memberLeft(room, member);
      logger.info({ event: 'peer_left', meetingId: room.id, peerId: member.peerId, reason });
      if (reason === 'removed') {
        revokePeer(db, room.id, member.peerId, Date.now() + REMOVAL_MEMORY_MS).catch((err: unknown) =>
          // The in-memory ban below still keeps them out of this live meeting; only a resume after a restart could slip by.
          logger.error({ event: 'revoke_failed', meetingId: room.id, peerId: member.peerId, err: String(err) }),
        );
        // The owner is never banned from its own meeting (a host it handed over to may remove it).
        if (!room.isOwner(member)) removals.ban(room.id, member);
      }
    },
    // A room that empties leaves Janus, and gives its meeting's home up, so the next to need it may be anyone.
    empty: (room) => {
      sfu?.roomGone(room);
      spread?.homes.release(room.id).catch((err: unknown) =>
        // The lease lapses by itself within LEASE_MS; until then joins are forwarded here and re-homed.
        logger.warn({ event: 'home_release_failed', meetingId: room.id, err: String(err) }),
      );
    },
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
    throttles,
    sessions: new Map(),
    inflight: new Set(),
    startedAt: Date.now(),
    draining: false,
    cluster,
    spread,
    problems: [],
  };
}
