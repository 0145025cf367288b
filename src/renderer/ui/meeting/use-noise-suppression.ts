/**
 * The in-call noise suppression toggle: switches the microphone's audio graph
 * in place (engine/audio/microphone-processing.ts), keeps the choice in the
 * preferences, and tells the person when suppression could not start.
 */
import { useCallback, useState } from 'preact/hooks';
import type { MicrophoneProcessing } from '../../engine/audio/microphone-processing.js';
import { ERROR_TEXT } from '../messages.js';

export const SUPPRESSION_FAILED = ERROR_TEXT['noise_suppression_failed']!;

export interface NoiseSuppression {
  /** What the toolbar shows; undefined when there is no microphone to process (the button is hidden). */
  on: boolean | undefined;
  toggle: () => void;
}

export function useNoiseSuppression(
  microphone: MicrophoneProcessing | null,
  onPreference: (on: boolean) => void,
  setActionError: (update: (shown: string | null) => string | null) => void,
): NoiseSuppression {
  const [on, setOn] = useState(() => microphone?.suppressing() ?? false);
  const toggle = useCallback(() => {
    if (!microphone) return;
    const next = !microphone.suppressing();
    setOn(next);
    onPreference(next);
    void microphone.setSuppression(next).then((ok) => {
      setOn(microphone.suppressing());
      // A later success answers the earlier failure's alert, not another one.
      setActionError((shown) => (ok ? (shown === SUPPRESSION_FAILED ? null : shown) : SUPPRESSION_FAILED));
    });
  }, [microphone, onPreference, setActionError]);
  return { on: microphone ? on : undefined, toggle };
}
