import { useEffect, useState } from 'preact/hooks';
import type { MeetingKeys } from '../../../common/crypto/meeting-keys.js';
import { derivationOf, progressOf } from './key-derivation.js';

/** How often the bar moves: smooth enough to look alive, rare enough to cost nothing. */
const TICK_MS = 250;

/**
 * While the meeting keys are derived: a progress bar estimated from a
 * calibration run (key-derivation.ts), and the seconds left, so a guest in a
 * slow browser or a busy machine (Firefox was seen taking 8–9 s) sees it move. The bar
 * is not a live region: the status line above says "Preparing secure keys…"
 * once, and a screen reader can read the bar's value when asked.
 */
export function KeyProgress({ keys }: { keys: Promise<MeetingKeys> }) {
  const job = derivationOf(keys);
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [keys]);
  if (!job) return null;
  const share = progressOf(job, now);
  const leftS = job.estimateMs === null ? null : Math.max(1, Math.ceil((job.estimateMs - (now - job.startedAt)) / 1000));
  const words = leftS === null ? 'Estimating…' : `About ${leftS} s left`;
  return (
    <div class="key-progress">
      {share === null ? (
        <progress aria-label="Key preparation progress" aria-valuetext={words} />
      ) : (
        <progress aria-label="Key preparation progress" max={100} value={Math.round(share * 100)} aria-valuetext={words} />
      )}
      <span class="hint" aria-hidden="true">
        {words}
      </span>
    </div>
  );
}
