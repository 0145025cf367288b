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

/**
 * Joins as the publisher `feed` and sends the member's offer; returns Janus's
 * answer. The `e2ee` flag tells Janus the frames are encrypted end to end, so
 * it must forward them as they are (it cannot tell either way: the client's
 * encoded transform is what makes it true).
 */
export async function publish(handle: JanusHandle, target: { room: number; feed: number; joined: boolean }, offer: JanusJsep): Promise<JanusJsep> {
  const jsep = { ...offer, e2ee: true };
  const reply = target.joined
    ? expect(await handle.message({ request: 'configure', audio: true, video: true }, { jsep, awaitsEvent: true }), 'event', 'configure')
    : expect(
        await handle.message({ request: 'joinandconfigure', ptype: 'publisher', room: target.room, id: target.feed }, { jsep, awaitsEvent: true }),
        'joined',
        'joinandconfigure',
      );
  return jsepOf(reply, 'answer', 'publish');
}

/** One media section of a subscriber's offer: which publisher's feed (and kind) it carries. */
export interface SubscriberStream {
  mid: string;
  feed: number;
  type: 'audio' | 'video';
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
    if (s.type === 'audio' || s.type === 'video') streams.push({ mid: s.mid, feed: s.feed_id, type: s.type });
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

/** Changes what an existing subscriber receives; returns Janus's new offer. */
export async function updateSubscription(handle: JanusHandle, add: number[], drop: number[]): Promise<SubscriberOffer> {
  const body: Record<string, unknown> = { request: 'update' };
  if (add.length > 0) body.subscribe = add.map((feed) => ({ feed }));
  if (drop.length > 0) body.unsubscribe = drop.map((feed) => ({ feed }));
  const reply = await handle.message(body, { awaitsEvent: true });
  return subscriberOffer(expect(reply, 'updated', 'update'), 'update');
}

/** The member's answer to a subscriber offer: media starts flowing. */
export async function start(handle: JanusHandle, answer: JanusJsep): Promise<void> {
  expect(await handle.message({ request: 'start' }, { jsep: { ...answer, e2ee: true }, awaitsEvent: true }), 'event', 'start');
}
