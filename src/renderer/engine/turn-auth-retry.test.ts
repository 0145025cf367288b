import { afterEach, describe, expect, it, vi } from 'vitest';
import { INITIAL_TURN_AUTH_RETRY, TURN_AUTH_RETRY_DELAYS_MS, onTurnRefused, onTurnRetryDone, type TurnAuthRetry, type TurnRefusalAction } from './turn-auth-retry.js';

describe('retrying after the relay refuses our credentials', () => {
  it('retries with growing pauses, then gives up once and stays quiet', () => {
    let state: TurnAuthRetry = INITIAL_TURN_AUTH_RETRY;
    const actions: TurnRefusalAction[] = [];
    for (let i = 0; i < TURN_AUTH_RETRY_DELAYS_MS.length + 3; i++) {
      const r = onTurnRefused(state, true);
      actions.push(r.action);
      state = onTurnRetryDone(r.state);
    }
    expect(actions).toEqual([
      ...TURN_AUTH_RETRY_DELAYS_MS.map((delayMs) => ({ kind: 'retry', delayMs })),
      { kind: 'give-up' },
      { kind: 'none' },
      { kind: 'none' },
    ]);
    expect(state.phase).toBe('gave-up');
  });

  it('the pauses grow and the person is told within about 15 s', () => {
    for (let i = 1; i < TURN_AUTH_RETRY_DELAYS_MS.length; i++) expect(TURN_AUTH_RETRY_DELAYS_MS[i]!).toBeGreaterThan(TURN_AUTH_RETRY_DELAYS_MS[i - 1]!);
    expect(TURN_AUTH_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(15_000);
  });

  it('a burst of refusals while an attempt is under way counts once', () => {
    const first = onTurnRefused(INITIAL_TURN_AUTH_RETRY, true);
    expect(first.action).toEqual({ kind: 'retry', delayMs: TURN_AUTH_RETRY_DELAYS_MS[0] });
    const again = onTurnRefused(first.state, true);
    expect(again.action).toEqual({ kind: 'none' });
    expect(again.state).toEqual({ phase: 'retrying', attempts: 1 });
  });

  it('gives up at once when the server cannot hand out fresh credentials', () => {
    expect(onTurnRefused(INITIAL_TURN_AUTH_RETRY, false)).toEqual({ state: { phase: 'gave-up', attempts: 0 }, action: { kind: 'give-up' } });
  });

  it('finishing an attempt does not undo giving up', () => {
    expect(onTurnRetryDone({ phase: 'gave-up', attempts: 3 })).toEqual({ phase: 'gave-up', attempts: 3 });
  });

  describe('driven by timers, as the engine does', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('a relay that always refuses gets exactly one request per pause, then silence', async () => {
      vi.useFakeTimers();
      let state: TurnAuthRetry = INITIAL_TURN_AUTH_RETRY;
      const requestedAt: number[] = [];
      let toldAt: number | null = null;
      const start = Date.now();
      // The relay refuses every allocation, at once: each attempt's ICE restart brings another 401.
      const refused = () => {
        const r = onTurnRefused(state, true);
        state = r.state;
        if (r.action.kind === 'give-up') toldAt = Date.now() - start;
        if (r.action.kind !== 'retry') return;
        setTimeout(() => {
          requestedAt.push(Date.now() - start);
          state = onTurnRetryDone(state);
          refused();
        }, r.action.delayMs);
      };
      refused();
      refused(); // the same burst, from another link
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(requestedAt).toEqual([1_000, 5_000, 15_000]);
      expect(toldAt).toBe(15_000);
    });
  });
});
