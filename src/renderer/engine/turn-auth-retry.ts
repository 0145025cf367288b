/**
 * What to do when the TURN relay refuses our credentials (a 401 in an
 * `icecandidateerror`).
 *
 * Most refusals are credentials that went stale: they expired while the
 * computer slept, or a refresh was missed while the signaling socket was
 * down. Fresh ones from the signaling server (`ice.refresh`), and an ICE
 * restart that allocates with them, fix that. But if the relay also refuses
 * freshly signed credentials, the server's secret differs from coturn's (or a
 * clock is far off): asking again cannot help, so after a few attempts the
 * person is told and the engine stops asking. Kept pure (state in, state and
 * action out) so the policy can be tested without timers or sockets.
 */

/**
 * Pause before each attempt; their number is the number of attempts.
 * - 1 s first: the refusals of every link and every relay URL arrive within
 *   moments of each other and are answered by one request, and stale
 *   credentials are replaced before anyone notices.
 * - then 4 s and 10 s: a relay or server that is being reconfigured gets a
 *   moment, and the person is still told within about 15 s (plus the time the
 *   relay takes to refuse) rather than left at "Connecting".
 */
export const TURN_AUTH_RETRY_DELAYS_MS: readonly number[] = [1_000, 4_000, 10_000];

export interface TurnAuthRetry {
  /**
   * idle: no attempt under way (none yet, or the last one is done);
   * retrying: an attempt is scheduled or its request is on its way;
   * gave-up: the person was told; no more attempts until credentials are renewed otherwise.
   */
  phase: 'idle' | 'retrying' | 'gave-up';
  /** Attempts made since the credentials were last renewed on schedule (or at admission). */
  attempts: number;
}

export const INITIAL_TURN_AUTH_RETRY: TurnAuthRetry = { phase: 'idle', attempts: 0 };

export type TurnRefusalAction =
  /** Ask the server for fresh credentials after `delayMs`, then restart ICE on the refused links. */
  | { kind: 'retry'; delayMs: number }
  /** Tell the person the relay refuses our credentials. */
  | { kind: 'give-up' }
  /** Nothing new to do (an attempt is under way, or the person was already told). */
  | { kind: 'none' };

/**
 * The relay refused our credentials. `canRefresh` is false when the server
 * cannot hand out fresh ones (an older server without `ice.refresh`): then
 * there is nothing to try.
 */
export function onTurnRefused(state: TurnAuthRetry, canRefresh: boolean): { state: TurnAuthRetry; action: TurnRefusalAction } {
  if (state.phase !== 'idle') return { state, action: { kind: 'none' } };
  const delayMs = TURN_AUTH_RETRY_DELAYS_MS[state.attempts];
  if (!canRefresh || delayMs === undefined) return { state: { ...state, phase: 'gave-up' }, action: { kind: 'give-up' } };
  return { state: { phase: 'retrying', attempts: state.attempts + 1 }, action: { kind: 'retry', delayMs } };
}

/** An attempt is over (fresh credentials applied, or the request went unanswered): the next refusal may try again. */
export function onTurnRetryDone(state: TurnAuthRetry): TurnAuthRetry {
  return state.phase === 'retrying' ? { ...state, phase: 'idle' } : state;
}
