/**
 * Client frames between an edge (the instance a client's socket is on) and a
 * meeting's home (cluster/room-homes.ts), over NATS. Each instance listens on
 * one subject for frames from edges (`home.<self>`) and one for frames from
 * homes (`edge.<self>`); NATS keeps the order of one publisher's messages on
 * one subject, so each sender's frames arrive in the order it sent them.
 *
 * A frame is the client's own protocol text, passed through untouched; it
 * carries what one server already sees (SDP, resume tokens, the admission
 * key's hash input), never a meeting password, chat or media. Envelopes are
 * checked on arrival like a client's frames: a peer instance is trusted no
 * more than the NATS account it shares.
 *
 * Every instance also says it is alive each second, so a home notices an edge
 * that died (kill -9) and lets its members' grace periods start.
 */
import * as v from 'valibot';
import { MAX_FRAME_BYTES } from '../protocol/index.js';
import type { ClusterBus } from './cluster-bus.js';

const InstanceId = v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/));
const EnvelopeSchema = v.strictObject({
  from: InstanceId,
  /** The edge's connection id: with `from`, names one client socket in the cluster. */
  conn: v.pipe(v.number(), v.integer(), v.minValue(1)),
  kind: v.picklist(['open', 'frame', 'close']),
  text: v.optional(v.pipe(v.string(), v.maxLength(MAX_FRAME_BYTES))),
  /** open: the client's address (throttles, bans) and its session token if signed in. */
  address: v.optional(v.pipe(v.string(), v.maxLength(64))),
  token: v.optional(v.pipe(v.string(), v.maxLength(64))),
  /** close from the home: the WebSocket close code and reason to use. */
  code: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(4999))),
  reason: v.optional(v.pipe(v.string(), v.maxLength(123))),
});
export type Envelope = v.InferOutput<typeof EnvelopeSchema>;

/** An envelope is a frame plus a few short fields. */
const MAX_ENVELOPE_BYTES = MAX_FRAME_BYTES * 2 + 1024;
/** How often an instance says it is alive. */
export const ALIVE_EVERY_MS = 1_000;

export class FrameLink {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly bus: ClusterBus) {}

  get self(): string {
    return this.bus.instanceId;
  }

  toHome(home: string, envelope: Omit<Envelope, 'from'>): void {
    this.send(`home.${home}`, envelope);
  }

  toEdge(edge: string, envelope: Omit<Envelope, 'from'>): void {
    this.send(`edge.${edge}`, envelope);
  }

  /** Frames edges send to meetings homed here. */
  onFromEdges(handle: (envelope: Envelope) => void): void {
    this.receive(`home.${this.self}`, handle);
  }

  /** Frames homes send to this instance's clients. */
  onFromHomes(handle: (envelope: Envelope) => void): void {
    this.receive(`edge.${this.self}`, handle);
  }

  sayAlive(): void {
    this.bus.publish('instances', { kind: 'instance', op: 'alive', args: [] });
  }

  onAlive(handle: (instanceId: string) => void): void {
    this.bus.subscribe('instances', (event) => {
      if (event.kind === 'instance' && event.op === 'alive') handle(event.from);
    });
  }

  private send(topic: string, envelope: Omit<Envelope, 'from'>): void {
    this.bus.publishRaw(topic, this.encoder.encode(JSON.stringify({ ...envelope, from: this.self })));
  }

  private receive(topic: string, handle: (envelope: Envelope) => void): void {
    this.bus.subscribeRaw(topic, MAX_ENVELOPE_BYTES, (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(this.decoder.decode(data));
      } catch (err) {
        throw new Error(`frame envelope is not JSON: ${(err as Error).message}`, { cause: err });
      }
      // subscribeRaw logs what a handler throws: a malformed envelope is logged and dropped.
      handle(v.parse(EnvelopeSchema, parsed));
    });
  }
}
