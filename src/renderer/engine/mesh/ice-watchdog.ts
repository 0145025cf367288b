/**
 * The ICE watchdog of one link: it retries a first connection that gets
 * nowhere (CONNECT_TIMEOUT_MS), restarts ICE when the connection failed or
 * stayed 'disconnected' for DISCONNECTED_RESTART_MS, and turns the
 * connection state and the restarts count into the state people see
 * (the decisions are in negotiation.ts). It owns its two timers and the
 * connection's state-change handlers; dispose() stops them all.
 */
import type { PeerConnectionState } from '../call-state.js';
import { CONNECT_TIMEOUT_MS, DISCONNECTED_RESTART_MS, iceAction, linkStateFor } from '../negotiation.js';

/** What the watchdog reads and drives on the peer connection. */
export type WatchedConnection = Pick<
  RTCPeerConnection,
  'connectionState' | 'iceConnectionState' | 'signalingState' | 'restartIce' | 'onconnectionstatechange' | 'oniceconnectionstatechange'
>;

export interface IceWatchdogOptions {
  pc: WatchedConnection;
  /** False while there is nothing to restart yet (we wait for the other side's first offer). */
  canRestart(): boolean;
  /** An offer of ours still waits for its answer at a restart: send it again. */
  resendOffer(): void;
  /** The connect timer fired without a connection: announce our end again. */
  onConnectTimeout(): void;
  /** The connection is (again) connected. */
  onConnected(): void;
  onStateChange(state: PeerConnectionState): void;
}

export interface IceWatchdog {
  readonly state: PeerConnectionState;
  /** Restarts ICE now (and retries after CONNECT_TIMEOUT_MS if that gets nowhere). */
  restart(): void;
  /** Stops every timer and handler; the state no longer changes. */
  dispose(): void;
}

export function createIceWatchdog(o: IceWatchdogOptions): IceWatchdog {
  const { pc } = o;
  let disposed = false;
  let state: PeerConnectionState = 'connecting';
  let restarts = 0;
  let disconnectedSince: number | null = null;
  let disconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let connectTimer: ReturnType<typeof setTimeout> | null = null;

  const setState = (next: PeerConnectionState) => {
    if (next === state || disposed) return;
    state = next;
    o.onStateChange(next);
  };
  const restart = () => {
    if (disposed || !o.canRestart()) return; // not attached: we are waiting for the other side's first offer
    restarts++;
    // An offer still waiting for its answer (lost on the way?) is sent again;
    // otherwise restartIce fires negotiationneeded → an offer with new ICE credentials.
    if (pc.signalingState === 'have-local-offer') o.resendOffer();
    pc.restartIce();
    // A restart that gets nowhere (the relay was still down, an offer lost) is retried
    // after CONNECT_TIMEOUT_MS, even if the state never moves on to 'failed'.
    armConnectTimer();
  };
  // A first connection that never gets anywhere (an offer or answer lost while
  // the socket was down, a peer that was slow to learn of us) is retried.
  const armConnectTimer = () => {
    if (connectTimer) clearTimeout(connectTimer);
    connectTimer = setTimeout(() => {
      connectTimer = null;
      if (disposed || pc.connectionState === 'connected') return;
      o.onConnectTimeout(); // in case ours was lost; the peer ignores a hello it already has
      restart();
      armConnectTimer();
    }, CONNECT_TIMEOUT_MS);
  };
  const watch = () => {
    if (disposed) return;
    const ice = pc.connectionState;
    if (ice === 'connected') {
      restarts = 0;
      if (connectTimer) clearTimeout(connectTimer);
      connectTimer = null;
      disconnectedSince = null;
      if (disconnectTimer) clearTimeout(disconnectTimer);
      disconnectTimer = null;
      o.onConnected();
    }
    if (ice === 'disconnected' && disconnectedSince === null) {
      disconnectedSince = Date.now();
      // A timer from an earlier 'disconnected' spell may still be pending (it went
      // 'checking' in between): one timer at a time, or dispose() could not stop it.
      if (disconnectTimer) clearTimeout(disconnectTimer);
      disconnectTimer = setTimeout(() => {
        disconnectTimer = null;
        if (iceAction(pc.connectionState, disconnectedSince === null ? null : Date.now() - disconnectedSince) === 'restart') restart();
      }, DISCONNECTED_RESTART_MS);
    }
    if (ice !== 'disconnected' && ice !== 'connected') disconnectedSince = null;
    if (iceAction(ice, null) === 'restart') restart();
    setState(linkStateFor(ice, restarts));
  };

  armConnectTimer();
  pc.onconnectionstatechange = watch;
  pc.oniceconnectionstatechange = () => {
    // Some failures show up on the ICE state first.
    if (pc.iceConnectionState === 'failed' && pc.connectionState !== 'failed') restart();
  };

  return {
    get state() {
      return state;
    },
    restart,
    dispose() {
      disposed = true;
      if (disconnectTimer) clearTimeout(disconnectTimer);
      if (connectTimer) clearTimeout(connectTimer);
      disconnectTimer = connectTimer = null;
      pc.onconnectionstatechange = null;
      pc.oniceconnectionstatechange = null;
    },
  };
}
