/**
 * The meeting keys on pre-join: derivation started by the shell, whose end
 * enables Join, and the line that tells the person what is still happening.
 */
import { useEffect, useState } from 'preact/hooks';
import type { MeetingKeys } from '../../../common/crypto/meeting-keys.js';
import { KeyProgress } from './key-progress.js';

export type KeyState = 'deriving' | 'ready' | 'failed';

/** Follows `keys` (and asks the shell to fetch the engine meanwhile, each time `keys` changes). */
export function useKeyState(keys: Promise<MeetingKeys>, onPrefetchEngine: () => void): KeyState {
  const [keyState, setKeyState] = useState<KeyState>('deriving');
  useEffect(() => {
    let cancelled = false;
    setKeyState('deriving');
    keys.then(
      () => !cancelled && setKeyState('ready'),
      () => !cancelled && setKeyState('failed'),
    );
    onPrefetchEngine();
    return () => {
      cancelled = true;
    };
  }, [keys]);
  return keyState;
}

export function KeyStatus({ rejoining, keyState, mediaReady, keys }: { rejoining: boolean; keyState: KeyState; mediaReady: boolean; keys: Promise<MeetingKeys> }) {
  return (
    <>
      <p role="status" class="key-status">
        {rejoining && keyState !== 'failed'
          ? 'Rejoining the meeting you were in…'
          : keyState === 'deriving'
            ? 'Preparing secure keys…'
            : keyState === 'ready'
              ? mediaReady
                ? 'Secure keys ready.'
                : 'Starting your camera and microphone…'
              : ''}
      </p>
      {keyState === 'deriving' && !rejoining ? <KeyProgress keys={keys} /> : null}
      {keyState === 'failed' ? (
        <p role="alert" class="alert">
          Secure keys could not be prepared in this browser. Use a current browser over https.
        </p>
      ) : null}
    </>
  );
}
