/**
 * The VideoRoom requests the server makes (Janus 1.1 multistream API), each
 * with the reply it must get: the `videoroom` field names what happened, and
 * a negotiation must carry a JSEP of the right type.
 */
import * as v from 'valibot';
import type { JanusJsep } from './janus-replies.js';
import type { JanusHandle, PluginReply } from './janus-session.js';
import { SfuError } from './sfu-error.js';

/** Most publishers one Janus room takes: the meeting cap with room to spare. */
export const ROOM_PUBLISHERS = 64;

function expect(reply: PluginReply, what: string, request: string): PluginReply {
  if (reply.data.videoroom !== what) {
    throw new SfuError('janus_malformed', `the VideoRoom plugin did not answer ${request} with ${what}`, {
      request,
      got: typeof reply.data.videoroom === 'string' ? reply.data.videoroom.slice(0, 32) : undefined,
    });
  }
  return reply;
}

function jsepOf(reply: PluginReply, type: JanusJsep['type'], request: string): JanusJsep {
  if (reply.jsep?.type !== type) throw new SfuError('janus_malformed', `${request} was answered without an SDP ${type}`, { request });
  return { type: reply.jsep.type, sdp: reply.jsep.sdp };
}

/**
 * A private room for one meeting: no listing, VP8 (three simulcast layers)
 * and Opus only, and no join or leave notices to anyone (our server tells
 * members who publishes).
 */
export async function createRoom(handle: JanusHandle, room: number, secret: string): Promise<void> {
  expect(
    await handle.message({
      request: 'create',
      room,
      secret,
      is_private: true,
      permanent: false,
      publishers: ROOM_PUBLISHERS,
      videocodec: 'vp8',
      audiocodec: 'opus',
      notify_joining: false,
    }),
    'created',
    'create',
  );
}

export async function destroyRoom(handle: JanusHandle, room: number, secret: string): Promise<void> {
  expect(await handle.message({ request: 'destroy', room, secret, permanent: false }), 'destroyed', 'destroy');
}

/** Janus's answer to a publisher's offer, and the mids of the video sections it now forwards. */
export interface PublisherAnswer {
  jsep: JanusJsep;
  videoMids: string[];
}

/**
 * Joins as the publisher `feed` and sends the member's offer (or, joined
 * already, renegotiates with `configure`: Janus 1.1 multistream adds and
 * disables streams by the new offer); returns Janus's answer. The `e2ee`
 * flag tells Janus the frames are encrypted end to end, so it must forward
 * them as they are (it cannot tell either way: the client's encoded
 * transform is what makes it true).
 */
export async function publish(handle: JanusHandle, target: { room: number; feed: number; joined: boolean }, offer: JanusJsep): Promise<PublisherAnswer> {
  const jsep = { ...offer, e2ee: true };
  const reply = target.joined
    ? expect(await handle.message({ request: 'configure', audio: true, video: true }, { jsep, awaitsEvent: true }), 'event', 'configure')
    : expect(
        await handle.message({ request: 'joinandconfigure', ptype: 'publisher', room: target.room, id: target.feed }, { jsep, awaitsEvent: true }),
        'joined',
        'joinandconfigure',
      );
  return { jsep: jsepOf(reply, 'answer', 'publish'), videoMids: publishedVideoMids(reply.data) };
}

const JanusPublishedStreams = v.array(
  v.object({ type: v.string(), mid: v.optional(v.pipe(v.string(), v.maxLength(32))), disabled: v.optional(v.boolean()) }),
);

/** The video sections Janus takes from a publisher after a negotiation (its `streams`; a disabled one is not forwarded). */
export function publishedVideoMids(data: Record<string, unknown>): string[] {
  const parsed = v.safeParse(JanusPublishedStreams, data.streams ?? []);
  if (!parsed.success) throw new SfuError('janus_malformed', 'the VideoRoom plugin listed malformed published streams', { request: 'publish' });
  return parsed.output.filter((s) => s.type === 'video' && s.disabled !== true && s.mid !== undefined).map((s) => s.mid!);
}

/** One media section of a subscriber's offer: which publisher's feed (and kind, and the publisher's own mid for it) it carries. */
export interface SubscriberStream {
  mid: string;
  feed: number;
  type: 'audio' | 'video';
  /** The mid of the section in the publisher's offer this one forwards (absent if Janus does not say). */
  feedMid?: string;
}

/** An offer to a subscriber, with what each of its media sections carries. */
export interface SubscriberOffer {
  jsep: JanusJsep;
  streams: SubscriberStream[];
}

const JanusStreams = v.array(
  v.object({
    type: v.string(),
    mid: v.optional(v.pipe(v.string(), v.maxLength(32))),
    feed_id: v.optional(v.number()),
    feed_mid: v.optional(v.pipe(v.string(), v.maxLength(32))),
    active: v.optional(v.boolean()),
  }),
);

/**
 * The audio and video sections of a subscriber's offer that carry a feed now
 * (Janus lists sections of publishers who left as inactive, and its data
 * section carries no feed). The client needs this to know whose frames each
 * receiver carries, so it opens them with that person's keys.
 */
export function subscriberStreams(data: Record<string, unknown>): SubscriberStream[] {
  const parsed = v.safeParse(JanusStreams, data.streams ?? []);
  if (!parsed.success) throw new SfuError('janus_malformed', 'the VideoRoom plugin listed malformed streams', { request: 'streams' });
  const streams: SubscriberStream[] = [];
  for (const s of parsed.output) {
    if (s.active === false || s.mid === undefined || s.feed_id === undefined) continue;
    if (s.type !== 'audio' && s.type !== 'video') continue;
    streams.push({ mid: s.mid, feed: s.feed_id, type: s.type, ...(s.feed_mid !== undefined ? { feedMid: s.feed_mid } : {}) });
  }
  return streams;
}

function subscriberOffer(reply: PluginReply, request: string): SubscriberOffer {
  return { jsep: jsepOf(reply, 'offer', request), streams: subscriberStreams(reply.data) };
}

/** Joins as a subscriber to these feeds; returns Janus's offer. */
export async function subscribe(handle: JanusHandle, room: number, feeds: number[]): Promise<SubscriberOffer> {
  const reply = await handle.message(
    { request: 'join', ptype: 'subscriber', room, streams: feeds.map((feed) => ({ feed })) },
    { awaitsEvent: true },
  );
  return subscriberOffer(expect(reply, 'attached', 'join'), 'subscribe');
}

/** A publisher's feed as a whole, or one of its streams (by the publisher's mid). */
export interface FeedStreams {
  feed: number;
  mid?: string;
}

/**
 * Changes what an existing subscriber receives (Janus drops first, then adds,
 * in one renegotiation); returns Janus's new offer.
 */
export async function updateSubscription(handle: JanusHandle, add: FeedStreams[], drop: FeedStreams[]): Promise<SubscriberOffer> {
  const body: Record<string, unknown> = { request: 'update' };
  if (add.length > 0) body.subscribe = add.map(({ feed, mid }) => (mid === undefined ? { feed } : { feed, mid }));
  if (drop.length > 0) body.unsubscribe = drop.map(({ feed, mid }) => (mid === undefined ? { feed } : { feed, mid }));
  const reply = await handle.message(body, { awaitsEvent: true });
  return subscriberOffer(expect(reply, 'updated', 'update'), 'update');
}

/** The member's answer to a subscriber offer: media starts flowing. */
export async function start(handle: JanusHandle, answer: JanusJsep): Promise<void> {
  expect(await handle.message({ request: 'start' }, { jsep: { ...answer, e2ee: true }, awaitsEvent: true }), 'event', 'start');
}
