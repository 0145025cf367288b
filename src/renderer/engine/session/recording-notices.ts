/**
 * Recording notices for one session: this client's own (sealed, sent to
 * everyone through the server and straight over each control data channel,
 * and repeated there every second), and everyone else's, opened, checked
 * (recording/recording-watch.ts) and put in CallState.recording. A notice
 * the server forged or held back becomes a warning naming the person.
 */
import type { CallError, CallState } from '../call-state.js';
import type { MediaTopology } from '../media-topology.js';
import { newEpoch } from '../sealed-json.js';
import { createSerialQueues } from '../serial.js';
import { isRecordingSignal, openNotice, RecordingSignal, sealNotice, type RecordingNotice } from '../recording/recording-notice.js';
import { createRecordingWatch, type NoticePath, type RecordingWatch } from '../recording/recording-watch.js';
import type { Lifetime } from './lifetime.js';
import * as v from 'valibot';

/** How often the latest notice is repeated on the data channels (what lets a withheld relay be seen). */
export const NOTICE_REPEAT_MS = 1_000;

export interface RecordingNoticeDeps {
  lifetime: Lifetime;
  meetingId: string;
  key: CryptoKey;
  localId: () => string | null;
  topology: MediaTopology;
  /** Through the server, to one person. */
  sendSignal: (to: string, data: RecordingSignal) => void;
  peerIds: () => string[];
  update: (fn: (st: CallState) => CallState) => void;
  warn: (w: CallError) => void;
  nameOf: (peerId: string) => string;
  now?: () => number;
}

export { isRecordingSignal };

/** The queue of our own announcements (peer ids are hex, so it cannot collide with a sender's). */
const MINE = 'mine';

export class RecordingNotices {
  readonly #d: RecordingNoticeDeps;
  readonly #watch: RecordingWatch;
  readonly #now: () => number;
  readonly #epoch = newEpoch();
  #seq = 0;
  #mine: RecordingNotice = { recording: false, everyoneMayRecord: false };
  /** The latest notice as sealed, and for which of our peer ids (a rejoin gives a new one). */
  #frame: { by: string; sealed: string } | null = null;
  /** Announcements are sealed one after another (key 'mine'), so sequence numbers go out in order; so are each sender's frames. */
  readonly #serially = createSerialQueues();

  constructor(deps: RecordingNoticeDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#watch = createRecordingWatch((p) => {
      if (!this.#d.peerIds().includes(p.peerId)) return;
      this.#d.warn({ code: p.kind === 'forged' ? 'recording_forged' : 'recording_withheld', peerName: this.#d.nameOf(p.peerId) });
    });
    deps.lifetime.interval(NOTICE_REPEAT_MS, () => this.#repeat());
    deps.lifetime.interval(NOTICE_REPEAT_MS / 2, () => this.#watch.check(this.#now()));
  }

  get mine(): RecordingNotice {
    return this.#mine;
  }

  /** Frames dropped on the data channels as not authentic. */
  get dropped(): number {
    return this.#watch.dropped;
  }

  /** Changes what this client says and tells everyone; resolves once it is sent. */
  announce(patch: Partial<RecordingNotice>): Promise<void> {
    return this.#serially(MINE, async () => {
      this.#mine = { ...this.#mine, ...patch };
      const mine = this.#mine;
      this.#d.update((st) => ({ ...st, recording: { ...st.recording, mine } }));
      await this.#seal();
      for (const peerId of this.#d.peerIds()) this.#relay(peerId);
      this.#repeat();
    });
  }

  /** Someone new: the server copy of our latest notice goes to them (the direct copy follows on the next repeat). */
  peerAdded(peerId: string): void {
    if (this.#seq === 0) return;
    void this.#serially(MINE, async () => {
      if (this.#frame?.by !== this.#d.localId()) await this.#seal();
      this.#relay(peerId);
    });
  }

  forget(peerId: string): void {
    this.#watch.forget(peerId);
  }

  /** A `signal` whose data is a recording notice, relayed by the server. */
  fromServer(from: string, data: unknown): void {
    const parsed = v.safeParse(RecordingSignal, data);
    if (!parsed.success) return this.#watch.refuse(from, 'server');
    this.#receive(from, 'server', parsed.output.sealed);
  }

  /** A frame from `from`'s control data channel. */
  fromDirect(from: string, frame: string): void {
    this.#receive(from, 'direct', frame);
  }

  #receive(from: string, path: NoticePath, frame: string): void {
    void this.#serially(from, async () => {
      const opened = await openNotice(this.#d.key, this.#d.meetingId, from, frame);
      if (this.#d.lifetime.ended || !this.#d.peerIds().includes(from)) return;
      if (!opened) return this.#watch.refuse(from, path);
      if (!this.#watch.accept(from, path, opened.order, opened.payload, this.#now())) return;
      const notice = opened.payload;
      this.#d.update((st) => ({ ...st, recording: { ...st.recording, others: { ...st.recording.others, [from]: notice } } }));
    });
  }

  async #seal(): Promise<void> {
    const by = this.#d.localId();
    if (by === null) return;
    const sealed = await sealNotice(this.#d.key, this.#d.meetingId, by, { epoch: this.#epoch, seq: ++this.#seq }, this.#mine);
    this.#frame = { by, sealed };
  }

  #relay(peerId: string): void {
    if (this.#frame && !this.#d.lifetime.ended) this.#d.sendSignal(peerId, { kind: 'recording', sealed: this.#frame.sealed });
  }

  #repeat(): void {
    if (this.#frame && this.#frame.by === this.#d.localId()) this.#d.topology.sendControl(this.#frame.sealed);
  }
}
