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
/** What travels in front of the frame's text (see FrameLink.send for the layout). */
const HeaderSchema = v.strictObject({
  from: InstanceId,
  /** The edge's connection id: with `from`, names one client socket in the cluster. */
  conn: v.pipe(v.number(), v.integer(), v.minValue(1)),
  kind: v.picklist(['open', 'frame', 'close']),
  /** open: the client's address (throttles, bans) and its session token if signed in. */
  address: v.optional(v.pipe(v.string(), v.maxLength(64))),
  token: v.optional(v.pipe(v.string(), v.maxLength(64))),
  /** close from the home: the WebSocket close code and reason to use. */
  code: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(4999))),
  reason: v.optional(v.pipe(v.string(), v.maxLength(123))),
});
export type Envelope = v.InferOutput<typeof HeaderSchema> & { text?: string };
/** A newline: JSON.stringify never writes one, so the first one ends the header. */
const NEWLINE = 0x0a;

/** An envelope is a frame (up to 4 bytes a character in UTF-8) plus a short header. */
const MAX_ENVELOPE_BYTES = MAX_FRAME_BYTES * 4 + 1024;
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

  /**
   * An envelope on the wire: its header as JSON, a newline, then the frame's
   * text as it is (when there is one). Writing the frame inside the JSON would
   * escape every quote of it here and unescape it at the other end, twice per
   * relayed message; this way only the short header is JSON.
   */
  private send(topic: string, envelope: Omit<Envelope, 'from'>): void {
    const { text, ...header } = envelope;
    const head = JSON.stringify({ ...header, from: this.self });
    this.bus.publishRaw(topic, this.encoder.encode(text === undefined ? head : `${head}\n${text}`));
  }

  private receive(topic: string, handle: (envelope: Envelope) => void): void {
    // subscribeRaw logs what a handler throws: a malformed envelope is logged and dropped.
    this.bus.subscribeRaw(topic, MAX_ENVELOPE_BYTES, (data) => handle(this.decode(data)));
  }

  private decode(data: Uint8Array): Envelope {
    const end = data.indexOf(NEWLINE);
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.decoder.decode(end < 0 ? data : data.subarray(0, end)));
    } catch (err) {
      throw new Error(`frame envelope header is not JSON: ${(err as Error).message}`, { cause: err });
    }
    const header = v.parse(HeaderSchema, parsed);
    if (end < 0) return header;
    const text = this.decoder.decode(data.subarray(end + 1));
    if (text.length > MAX_FRAME_BYTES) throw new Error(`frame envelope text over ${MAX_FRAME_BYTES} characters`);
    return { ...header, text };
  }
}
