/**
 * One meeting on the SFU: its Janus room, and each member's two handles (one
 * publishing, one subscribing). The member's JSEP passes through here to
 * Janus and back; Janus's feed ids stay on this side (members speak peer ids).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Member } from '../rooms/member.js';
import type { Room } from '../rooms/room.js';
import type { JanusJsep } from './janus-replies.js';
import type { JanusHandle } from './janus-session.js';
import type { SfuInstance } from './sfu-pool.js';
import { SfuError } from './sfu-error.js';
import * as videoroom from './videoroom.js';

interface SfuMember {
  feed: number;
  publisher: JanusHandle | null;
  /** Janus reports this member's publishing PeerConnection up (webrtcup) in the current room. */
  publishing: boolean;
  /** The mid of the section of this member's publisher offer that carries its shared screen (null: none). */
  screenMid: string | null;
  subscriber: JanusHandle | null;
  subscribed: number[];
  /** Per feed subscribed, the screen mid (of that publisher) this member's receiving connection carries. */
  subscribedScreens: Map<number, string>;
}

/** One media section of a member's receiving connection, by peer id (members never see Janus's feed ids). */
export interface SfuStream {
  mid: string;
  peerId: string;
  kind: 'audio' | 'video';
  /** The section carries the publisher's shared screen, not its camera. */
  screen?: true;
}

/** Janus's offer for a member's receiving connection, and whose media each section carries. */
export interface SfuOffer {
  jsep: JanusJsep & { type: 'offer' };
  streams: SfuStream[];
}

/** What a meeting needs from its surroundings: where to send a member Janus's own offers, and where to log. */
export interface SfuMeetingPorts {
  sendOffer(member: Member, offer: SfuOffer): void;
  log(event: string, data: Record<string, unknown>): void;
}

export class SfuMeeting {
  /** null while no instance is up to hold it (rebuilding). */
  instance: SfuInstance | null = null;
  private janusRoom = 0;
  private readonly secret = randomBytes(18).toString('base64url');
  private control: JanusHandle | null = null;
  private readonly members = new Map<string, SfuMember>();
  private nextFeed = 1;

  constructor(
    readonly room: Room,
    private readonly ports: SfuMeetingPorts,
  ) {}

  /** Creates the Janus room on `instance`; every member starts over there (nothing published yet). */
  async place(instance: SfuInstance): Promise<void> {
    const session = instance.session;
    if (!session) throw new SfuError('sfu_unavailable', 'the chosen media server went away');
    const control = await session.attach();
    // Random room ids: a second signaling server on the same Janus does not collide with ours.
    const janusRoom = randomInt(1, 2 ** 47);
    await videoroom.createRoom(control, janusRoom, this.secret);
    this.instance = instance;
    this.control = control;
    this.janusRoom = janusRoom;
    for (const state of this.members.values()) this.forgetHandles(state);
  }

  /** The instance went away with every handle on it: nothing to detach, everything to redo. */
  lostInstance(): void {
    this.instance = null;
    this.control = null;
    for (const state of this.members.values()) this.forgetHandles(state);
  }

  feeds(): string[] {
    return [...this.members].filter(([, s]) => s.publishing).map(([peerId]) => peerId);
  }

  /** Those of feeds() who publish a screen too. */
  screens(): string[] {
    return [...this.members].filter(([, s]) => s.publishing && s.screenMid !== null).map(([peerId]) => peerId);
  }

  /**
   * `screen`: the mid of the offer's section that carries the member's shared
   * screen (or none). It must be a video section Janus takes; when it changes,
   * everyone learns it through `sfu.feeds` and re-subscribes.
   */
  async publish(member: Member, offer: JanusJsep & { type: 'offer' }, screen: string | null = null): Promise<JanusJsep> {
    const state = this.stateOf(member);
    const joined = state.publisher !== null;
    if (!state.publisher) {
      const handle = await this.session().attach();
      // Janus forwards a feed only once its PeerConnection is up, so that is when the others learn of it.
      handle.onNotice((notice) => {
        if (notice.janus === 'webrtcup') this.setPublishing(state, true);
        if (notice.janus === 'hangup') this.setPublishing(state, false);
      });
      state.publisher = handle;
    }
    const answer = await videoroom.publish(state.publisher, { room: this.janusRoom, feed: state.feed, joined }, offer);
    if (screen !== null && !answer.videoMids.includes(screen)) {
      throw new SfuError('janus_plugin_error', 'the screen is not a video section the media server takes', { request: 'publish' });
    }
    if (state.screenMid !== screen) {
      state.screenMid = screen;
      if (state.publishing) this.broadcastFeeds();
    }
    return answer.jsep;
  }

  /** Subscribes to exactly these peers (publishing members other than `member`). */
  async subscribe(member: Member, peerIds: string[]): Promise<SfuOffer> {
    const state = this.stateOf(member);
    const wanted = peerIds.map((peerId) => {
      const other = this.members.get(peerId);
      if (!other?.publishing || peerId === member.peerId) {
        throw new SfuError('janus_plugin_error', 'not publishing in this meeting (or its media is not up yet)', { request: 'subscribe' });
      }
      return other.feed;
    });
    let offer: videoroom.SubscriberOffer;
    const screens = new Map<number, string>();
    for (const peerId of peerIds) {
      const other = this.members.get(peerId);
      if (other?.screenMid != null) screens.set(other.feed, other.screenMid);
    }
    if (!state.subscriber) {
      if (wanted.length === 0) throw new SfuError('janus_plugin_error', 'subscribe to at least one feed', { request: 'subscribe' });
      const handle = await this.session().attach();
      handle.onNotice((notice) => {
        // Janus renegotiates by itself when a publisher it forwards leaves.
        if (notice.janus === 'event' && notice.jsep?.type === 'offer') {
          const streams = this.byPeer(videoroom.subscriberStreams(notice.plugindata.data));
          this.ports.sendOffer(member, { jsep: { type: 'offer', sdp: notice.jsep.sdp }, streams });
        }
        if (notice.janus === 'hangup') this.ports.log('sfu_subscriber_hangup', { meetingId: this.room.id, peerId: member.peerId });
      });
      state.subscriber = handle;
      offer = await videoroom.subscribe(handle, this.janusRoom, wanted);
    } else {
      const change = subscriptionChange(state.subscribed, state.subscribedScreens, wanted, screens);
      if (change.add.length === 0 && change.drop.length === 0) {
        throw new SfuError('janus_plugin_error', 'already subscribed to exactly those', { request: 'update' });
      }
      offer = await videoroom.updateSubscription(state.subscriber, change.add, change.drop);
    }
    state.subscribed = wanted;
    state.subscribedScreens = screens;
    return { jsep: { type: 'offer', sdp: offer.jsep.sdp }, streams: this.byPeer(offer.streams) };
  }

  /** Janus's feed ids as our peer ids; a feed of someone who has just left is not listed. */
  private byPeer(streams: videoroom.SubscriberStream[]): SfuStream[] {
    return streamsByPeer(streams, [...this.members].map(([peerId, s]) => ({ peerId, feed: s.feed, screenMid: s.screenMid })));
  }

  async start(member: Member, answer: JanusJsep & { type: 'answer' }): Promise<void> {
    const state = this.stateOf(member);
    if (!state.subscriber) throw new SfuError('janus_plugin_error', 'no subscription to answer', { request: 'start' });
    await videoroom.start(state.subscriber, answer);
  }

  async trickle(member: Member, pc: 'publisher' | 'subscriber', candidate: Parameters<JanusHandle['trickle']>[0]): Promise<void> {
    const handle = this.stateOf(member)[pc];
    if (!handle) throw new SfuError('janus_plugin_error', `no ${pc} connection to trickle to`, { request: 'trickle' });
    await handle.trickle(candidate);
  }

  /** The member is gone for good: its handles go, and the others learn its feed ended. */
  async remove(member: Member): Promise<void> {
    const state = this.members.get(member.peerId);
    if (!state) return;
    this.members.delete(member.peerId);
    if (state.publishing) this.broadcastFeeds();
    await Promise.all([state.publisher?.detach(), state.subscriber?.detach()]);
  }

  /** Destroys the Janus room (the meeting is over on this server). */
  async destroy(): Promise<void> {
    const control = this.control;
    this.lostInstance();
    if (!control) return;
    await videoroom.destroyRoom(control, this.janusRoom, this.secret);
    await control.detach();
  }

  private session() {
    const session = this.instance?.session;
    if (!session || session.lost) throw new SfuError('sfu_unavailable', 'the media server is being replaced');
    return session;
  }

  private stateOf(member: Member): SfuMember {
    let state = this.members.get(member.peerId);
    if (!state) {
      state = { feed: this.nextFeed++, publisher: null, publishing: false, screenMid: null, subscriber: null, subscribed: [], subscribedScreens: new Map() };
      this.members.set(member.peerId, state);
    }
    return state;
  }

  private setPublishing(state: SfuMember, publishing: boolean): void {
    if (state.publishing === publishing) return;
    state.publishing = publishing;
    this.broadcastFeeds();
  }

  private broadcastFeeds(): void {
    this.room.broadcast({ type: 'sfu.feeds', feeds: this.feeds(), screens: this.screens() });
  }

  private forgetHandles(state: SfuMember): void {
    state.subscriber?.onNotice(null);
    state.publisher?.onNotice(null);
    state.publisher = null;
    state.subscriber = null;
    state.publishing = false;
    state.screenMid = null;
    state.subscribed = [];
    state.subscribedScreens = new Map();
  }
}

/**
 * What to ask Janus for to go from one subscription to another: whole feeds
 * added or dropped, and for feeds kept, their screen stream added, dropped or
 * replaced (a publisher's screen comes and goes on its one connection).
 * A feed added whole brings its screen with it; dropped whole, it goes.
 */
export function subscriptionChange(
  had: number[],
  hadScreens: ReadonlyMap<number, string>,
  wanted: number[],
  screens: ReadonlyMap<number, string>,
): { add: videoroom.FeedStreams[]; drop: videoroom.FeedStreams[] } {
  const add: videoroom.FeedStreams[] = wanted.filter((feed) => !had.includes(feed)).map((feed) => ({ feed }));
  const drop: videoroom.FeedStreams[] = had.filter((feed) => !wanted.includes(feed)).map((feed) => ({ feed }));
  for (const feed of wanted.filter((f) => had.includes(f))) {
    const before = hadScreens.get(feed);
    const now = screens.get(feed);
    if (before === now) continue;
    if (before !== undefined) drop.push({ feed, mid: before });
    if (now !== undefined) add.push({ feed, mid: now });
  }
  return { add, drop };
}

/**
 * Janus's sections as our peer ids, each video section marked `screen` when it
 * forwards the publisher's declared screen mid. A feed of someone who has just
 * left is not listed.
 */
export function streamsByPeer(
  streams: readonly videoroom.SubscriberStream[],
  members: readonly { peerId: string; feed: number; screenMid: string | null }[],
): SfuStream[] {
  const byFeed = new Map(members.map((m) => [m.feed, m]));
  const out: SfuStream[] = [];
  for (const s of streams) {
    const m = byFeed.get(s.feed);
    if (!m) continue;
    const screen = s.type === 'video' && m.screenMid !== null && s.feedMid === m.screenMid;
    out.push({ mid: s.mid, peerId: m.peerId, kind: s.type, ...(screen ? { screen: true as const } : {}) });
  }
  return out;
}
