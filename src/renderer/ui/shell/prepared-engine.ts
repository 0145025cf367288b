/**
 * The call engine, loaded and made ahead of the click: the module is fetched
 * while the person is on pre-join (not on first paint), and the engine for
 * the next call opens its connection to the server then, so it is ready when
 * they click Join.
 */
import { useCallback, useRef } from 'preact/hooks';
import type { CallEngine } from '../../engine/call-state.js';

/** The engine is the heaviest module; fetch it while the user is on pre-join, not on first paint. */
let engineModule: Promise<typeof import('../../engine/call-engine.js')> | null = null;
export function loadEngine(): Promise<typeof import('../../engine/call-engine.js')> {
  engineModule ??= import('../../engine/call-engine.js');
  return engineModule;
}

export interface PreparedEngine {
  /** The engine made ahead, if any; join() takes it (and sets this to null). */
  prepared: { current: CallEngine | null };
  prepareEngine: () => void;
  dropPreparedEngine: () => void;
}

export function usePreparedEngine(serverUrl: string): PreparedEngine {
  const prepared = useRef<CallEngine | null>(null);
  const prepareEngine = useCallback(() => {
    void loadEngine().then(
      ({ createCallEngine }) => {
        prepared.current ??= createCallEngine();
        prepared.current.preconnect(serverUrl);
      },
      () => undefined, // join() reports it if it still fails then
    );
  }, [serverUrl]);
  const dropPreparedEngine = useCallback(() => {
    void prepared.current?.leave();
    prepared.current = null;
  }, []);
  return { prepared, prepareEngine, dropPreparedEngine };
}
