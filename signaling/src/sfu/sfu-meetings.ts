/**
 * Which meetings run on the SFU, and on which Janus. A meeting moves there
 * when it would pass the mesh limit; it is placed on the live instance with
 * the fewest people. When an instance goes away, its meetings are rebuilt on
 * a live one (or on the same one once it is back) and their members are told
 * to publish and subscribe again.
 */
import { AppError } from '../app-error.js';
import type { Logger } from '../observability/logger.js';
import type { Member } from '../rooms/member.js';
import type { Room } from '../rooms/room.js';
import { SfuError } from './sfu-error.js';
import { SfuMeeting } from './sfu-meeting.js';
import { SfuPool, type SfuInstance } from './sfu-pool.js';

export interface SfuMeetingsOptions {
  urls: string[];
  apiSecret: string | undefined;
  meshLimit: number;
  logger: Logger;
  keepaliveMs?: number;
  requestTimeoutMs?: number;
}

/** Janus drops a session after 60 s of silence; a keepalive every 10 s also notices a hung Janus within 15 s. */
const KEEPALIVE_MS = 10_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** What a client is told to wait when no media server is up. */
const RETRY_AFTER_MS = 2_000;

export class SfuMeetings {
  readonly meshLimit: number;
  private readonly pool: SfuPool;
  private readonly meetings = new Map<string, SfuMeeting>();
  /** Meetings being placed right now, so two joins at once make one room. */
  private readonly placing = new Map<string, Promise<SfuMeeting>>();
  private readonly logger: Logger;

  constructor(options: SfuMeetingsOptions) {
    this.meshLimit = options.meshLimit;
    this.logger = options.logger;
    this.pool = new SfuPool({
      urls: options.urls,
      apiSecret: options.apiSecret,
      keepaliveMs: options.keepaliveMs ?? KEEPALIVE_MS,
      requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      logger: options.logger,
      onLost: (instance) => this.instanceLost(instance),
      onUp: () => this.rebuildHomeless(),
    });
  }

  start(): Promise<void> {
    return this.pool.start();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.meetings.values()].map((meeting) => meeting.destroy()));
    this.meetings.clear();
    await this.pool.close();
  }

  /** Would one more member take this meeting past the mesh limit (and is it still a mesh)? */
  needsMove(room: Room, joining = 1): boolean {
    return !this.meetings.has(room.id) && room.members.size + joining > this.meshLimit;
  }

  mediaOf(room: Room): 'mesh' | 'sfu' {
    return this.meetings.has(room.id) ? 'sfu' : 'mesh';
  }

  feedsOf(room: Room): string[] | undefined {
    return this.meetings.get(room.id)?.feeds();
  }

  /** Those of feedsOf() who publish a screen too. */
  screensOf(room: Room): string[] | undefined {
    return this.meetings.get(room.id)?.screens();
  }

  /** Moves the meeting onto the SFU (once); every member already in is told to publish there. */
  async moveToSfu(room: Room): Promise<void> {
    if (this.meetings.has(room.id)) return;
    let placing = this.placing.get(room.id);
    if (!placing) {
      placing = this.place(room).finally(() => this.placing.delete(room.id));
      this.placing.set(room.id, placing);
    }
    await placing;
  }

  /** The meeting this member's sfu.* request is for; `not_on_sfu` on a mesh. */
  meetingFor(room: Room): SfuMeeting {
    const meeting = this.meetings.get(room.id);
    if (!meeting) throw new AppError('not_on_sfu', 'this meeting runs as a mesh; send signal messages to the others');
    return meeting;
  }

  /** Runs one request against Janus, turning its failures into codes a client can act on. */
  async relay<T>(room: Room, member: Member, what: string, work: (meeting: SfuMeeting) => Promise<T>): Promise<T> {
    const meeting = this.meetingFor(room);
    try {
      return await work(meeting);
    } catch (error) {
      if (!(error instanceof SfuError)) throw error;
      this.logger.warn({ event: 'sfu_request_failed', what, meetingId: room.id, peerId: member.peerId, sfu: meeting.instance?.index, ...error.toLog() });
      if (error.code === 'janus_plugin_error' || error.code === 'janus_error') throw new AppError('sfu_refused', error.message);
      throw new AppError('sfu_unavailable', 'the media server did not answer; it is being replaced', RETRY_AFTER_MS);
    }
  }

  memberLeft(room: Room, member: Member): void {
    const meeting = this.meetings.get(room.id);
    if (!meeting) return;
    meeting.remove(member).catch((error: unknown) => this.logFailure('sfu_detach_failed', room, error));
  }

  roomGone(room: Room): void {
    const meeting = this.meetings.get(room.id);
    if (!meeting) return;
    this.meetings.delete(room.id);
    meeting.destroy().catch((error: unknown) => this.logFailure('sfu_destroy_failed', room, error));
  }

  private async place(room: Room): Promise<SfuMeeting> {
    const instance = this.pool.pick((i) => this.loadOf(i));
    if (!instance) {
      this.logger.warn({ event: 'sfu_unavailable', meetingId: room.id });
      throw new AppError('sfu_unavailable', 'no media server is up to take this meeting past the mesh limit', RETRY_AFTER_MS);
    }
    const meeting = new SfuMeeting(room, {
      sendOffer: (member, offer) => room.sendTo(member, { type: 'sfu.offer', ...offer }),
      log: (event, data) => this.logger.info({ event, ...data }),
    });
    try {
      await meeting.place(instance);
    } catch (error) {
      this.logFailure('sfu_place_failed', room, error);
      throw new AppError('sfu_unavailable', 'the media server could not take this meeting', RETRY_AFTER_MS);
    }
    this.meetings.set(room.id, meeting);
    this.logger.info({ event: 'sfu_meeting_placed', meetingId: room.id, sfu: instance.index, members: room.members.size });
    room.broadcast({ type: 'sfu.moved' });
    return meeting;
  }

  /** People in meetings placed on this instance. */
  private loadOf(instance: SfuInstance): number {
    let load = 0;
    for (const meeting of this.meetings.values()) if (meeting.instance === instance) load += meeting.room.members.size;
    return load;
  }

  private instanceLost(instance: SfuInstance): void {
    for (const meeting of this.meetings.values()) if (meeting.instance === instance) meeting.lostInstance();
    this.rebuildHomeless();
  }

  /** Places every meeting that has no live instance, one at a time, on the least loaded live one. */
  private rebuildHomeless(): void {
    for (const meeting of this.meetings.values()) {
      if (meeting.instance !== null || this.placing.has(meeting.room.id)) continue;
      const instance = this.pool.pick((i) => this.loadOf(i));
      if (!instance) {
        this.logger.warn({ event: 'sfu_rebuild_waiting', meetingId: meeting.room.id });
        continue; // onUp calls this again when an instance is back
      }
      const rebuilding = meeting.place(instance).then(
        () => {
          this.logger.info({ event: 'sfu_meeting_rebuilt', meetingId: meeting.room.id, sfu: instance.index });
          meeting.room.broadcast({ type: 'sfu.republish' });
          return meeting;
        },
        (error: unknown) => {
          this.logFailure('sfu_rebuild_failed', meeting.room, error);
          return meeting;
        },
      );
      this.placing.set(meeting.room.id, rebuilding.finally(() => this.placing.delete(meeting.room.id)));
    }
  }

  private logFailure(event: string, room: Room, error: unknown): void {
    const detail = error instanceof SfuError ? error.toLog() : { code: 'internal', message: String(error) };
    this.logger.error({ event, meetingId: room.id, ...detail });
  }
}
