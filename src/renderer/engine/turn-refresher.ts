/**
 * The TURN credentials of one call session: renewed before they expire
 * (ice.refresh), handed to every connection, and, when the relay refuses
 * them, replaced and retried with growing pauses until the person has to be
 * told (turn-auth-retry.ts holds those decisions).
 */
import type { IceServer } from '@merimeet/signaling/protocol';
import { RETRY_REFRESH_MS, credentialRefreshDelay, hasTurnCredentials } from './ice-refresh.js';
import type { MediaTopology } from './media-topology.js';
import type { Lifetime, TimerSlot } from './session/lifetime.js';
import { SignalingError, type SignalingConnection } from './signaling-client.js';
import { INITIAL_TURN_AUTH_RETRY, onTurnRefused, onTurnRetryDone, type TurnAuthRetry } from './turn-auth-retry.js';

export interface TurnRefresherOptions {
  lifetime: Lifetime;
  signaling: SignalingConnection;
  /** The topology of the call (set once the session's keys are ready). */
  topology: () => MediaTopology | null;
  relayOnly: boolean;
  /** People whose connection goes through the relay (with relay only: everyone); they re-allocate with new credentials. */
  peersOnRelay: () => string[];
  /** A warning for the person (turn_auth, no_relay). */
  warn: (code: 'turn_auth' | 'no_relay') => void;
}

type Fetched = { kind: 'applied'; ttlMs: number | undefined } | { kind: 'unsupported' } | { kind: 'unanswered' };

const toRtcIceServers = (servers: IceServer[]): RTCIceServer[] =>
  servers.map((s) => ({ urls: s.urls, ...(s.username !== undefined ? { username: s.username } : {}), ...(s.credential !== undefined ? { credential: s.credential } : {}) }));

export class TurnRefresher {
  #servers: RTCIceServer[] = [];
  /** The server does not know ice.refresh (an older v1 server): new credentials only come with a resume. */
  #unsupported = false;
  /** Where we are in retrying after the relay refused our credentials. */
  #auth: TurnAuthRetry = INITIAL_TURN_AUTH_RETRY;
  /** Connections whose ICE gathering the relay refused since the last attempt: restarted with the fresh credentials. */
  readonly #refused = new Set<string>();
  readonly #refreshTimer: TimerSlot;
  readonly #retryTimer: TimerSlot;

  private readonly o: TurnRefresherOptions;

  constructor(options: TurnRefresherOptions) {
    this.o = options;
    this.#refreshTimer = options.lifetime.slot();
    this.#retryTimer = options.lifetime.slot();
  }

  /** What a new connection starts with. */
  get iceServers(): RTCIceServer[] {
    return this.#servers;
  }

  /** Credentials fresh from an admission or a resume: applied, scheduled for renewal, and a later refusal gets its own attempts. */
  admitted(servers: IceServer[], ttlMs: number | undefined): void {
    this.#apply(servers);
    this.#resetAuth();
    this.#schedule(credentialRefreshDelay(ttlMs));
  }

  /** The relay refused the credentials this person's connection gathered with. */
  refused(peerId: string): void {
    this.#refused.add(peerId);
    const { state, action } = onTurnRefused(this.#auth, !this.#unsupported);
    this.#auth = state;
    if (action.kind === 'give-up') this.o.warn('turn_auth');
    else if (action.kind === 'retry') this.#retryTimer.arm(action.delayMs, () => void this.#retryRefused());
  }

  forget(peerId: string): void {
    this.#refused.delete(peerId);
  }

  #apply(servers: IceServer[]): void {
    this.#servers = toRtcIceServers(servers);
    this.o.topology()?.setIceServers(this.#servers);
    if (this.o.relayOnly && !hasTurnCredentials(this.#servers)) this.o.warn('no_relay');
  }

  #resetAuth(): void {
    this.#retryTimer.clear();
    this.#auth = INITIAL_TURN_AUTH_RETRY;
  }

  #schedule(delayMs: number | null): void {
    this.#refreshTimer.clear();
    if (delayMs === null || this.#unsupported || !hasTurnCredentials(this.#servers)) return;
    this.#refreshTimer.arm(delayMs, () => void this.#refresh());
  }

  /**
   * Asks the server for fresh credentials and gives them to every connection.
   * 'unsupported': an older server without ice.refresh (a resume still brings
   * new credentials); 'unanswered': the socket is down, or the request failed.
   */
  async #fetch(): Promise<Fetched> {
    try {
      const reply = await this.o.signaling.request({ type: 'ice.refresh' });
      if (this.o.lifetime.ended || reply.type !== 'ice.servers') return { kind: 'unanswered' };
      this.#apply(reply.iceServers);
      return { kind: 'applied', ttlMs: reply.iceTtlMs };
    } catch (err) {
      if (err instanceof SignalingError && err.code === 'bad_message') {
        this.#unsupported = true;
        return { kind: 'unsupported' };
      }
      // A SignalingError here is the socket going down or a limit: the resume brings new credentials.
      if (!(err instanceof SignalingError)) console.warn('meriMeet: asking for fresh TURN credentials failed', err);
      return { kind: 'unanswered' };
    }
  }

  /** New credentials before the old ones expire; relayed connections re-allocate with them (ICE restart). */
  async #refresh(): Promise<void> {
    if (this.o.lifetime.ended) return;
    const got = await this.#fetch();
    if (this.o.lifetime.ended) return;
    if (got.kind === 'applied') {
      // Renewed on schedule: a later refusal is a new problem and gets its own attempts.
      this.#resetAuth();
      this.o.topology()?.restartIce(this.o.peersOnRelay());
      this.#schedule(credentialRefreshDelay(got.ttlMs));
    } else if (got.kind === 'unanswered' && this.o.signaling.state === 'open') {
      // Socket down: the resume brings new credentials and reschedules. Anything else: try again soon.
      this.#schedule(RETRY_REFRESH_MS);
    }
  }

  async #retryRefused(): Promise<void> {
    if (this.o.lifetime.ended) return;
    const got = await this.#fetch();
    if (this.o.lifetime.ended) return;
    this.#auth = onTurnRetryDone(this.#auth);
    if (got.kind === 'unsupported') {
      // Nothing can bring fresh credentials before a resume: say so now.
      this.#auth = { ...this.#auth, phase: 'gave-up' };
      this.o.warn('turn_auth');
      return;
    }
    // Unanswered: the next refusal (the link's watchdog restarts it) tries again, as one more attempt.
    if (got.kind !== 'applied') return;
    const refused = [...this.#refused];
    this.#refused.clear();
    this.o.topology()?.restartIce(refused);
    // These credentials have a lifetime of their own.
    this.#schedule(credentialRefreshDelay(got.ttlMs));
  }
}
