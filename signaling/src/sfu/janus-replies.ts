/**
 * What the Janus API (1.1.x, over WebSockets) may send us, as schemas: every
 * frame is checked before anything acts on it. Fields we do not use are
 * allowed (v.object), so a newer Janus that adds some still works.
 */
import * as v from 'valibot';

/** Janus ids (sessions, handles, rooms, feeds) are random integers below 2^53. */
export const JanusId = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));

export const JanusJsep = v.object({
  type: v.picklist(['offer', 'answer']),
  sdp: v.pipe(v.string(), v.startsWith('v=0'), v.maxLength(256 * 1024)),
});
export type JanusJsep = v.InferOutput<typeof JanusJsep>;

const PluginData = v.object({ plugin: v.string(), data: v.record(v.string(), v.unknown()) });
const Transaction = v.pipe(v.string(), v.maxLength(64));

export const JanusReply = v.variant('janus', [
  v.object({
    janus: v.literal('success'),
    transaction: Transaction,
    data: v.optional(v.object({ id: JanusId })),
    plugindata: v.optional(PluginData),
  }),
  v.object({
    janus: v.literal('error'),
    transaction: v.optional(Transaction),
    error: v.object({ code: v.number(), reason: v.pipe(v.string(), v.maxLength(512)) }),
  }),
  v.object({ janus: v.literal('ack'), transaction: Transaction }),
  v.object({
    janus: v.literal('event'),
    transaction: v.optional(Transaction),
    sender: JanusId,
    plugindata: PluginData,
    jsep: v.optional(JanusJsep),
  }),
  // Per-handle notices: the PeerConnection's state as Janus sees it.
  v.object({ janus: v.picklist(['webrtcup', 'hangup', 'media', 'slowlink', 'detached', 'trickle']), sender: JanusId }),
  v.object({ janus: v.literal('timeout'), session_id: JanusId }),
  v.object({ janus: v.literal('server_info'), transaction: Transaction }),
]);
export type JanusReply = v.InferOutput<typeof JanusReply>;
export type JanusEvent = Extract<JanusReply, { janus: 'event' }>;
export type JanusNotice = Extract<JanusReply, { janus: 'webrtcup' | 'hangup' | 'media' | 'slowlink' | 'detached' | 'trickle' }>;

/** Which field of a malformed frame was wrong, without echoing its value. */
export function describeJanusIssue(issues: v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
  return path === '' ? 'not a Janus API message' : `field ${path}`;
}
