/**
 * Meeting keys for the shell. Key derivation is slow on purpose (PBKDF2,
 * 600,000 iterations): it starts as soon as the id and password are known,
 * and the last result is kept for Rejoin. A failed derivation is forgotten so
 * the next attempt derives again.
 */
import { useMemo, useRef } from 'preact/hooks';
import type { MeetingKeys } from '../../../common/crypto/meeting-keys.js';
import { meetingKeysFor } from '../prejoin/key-derivation.js';
import type { MeetingTarget } from '../routes.js';

export interface MeetingKeysCache {
  (target: MeetingTarget): Promise<MeetingKeys>;
  /** The keys for this target if they are derived already (pre-join waits for them), else null. */
  now(target: MeetingTarget): MeetingKeys | null;
}

interface Entry {
  id: string;
  promise: Promise<MeetingKeys>;
  keys?: MeetingKeys;
}

const idOf = (target: MeetingTarget) => `${target.meetingId}\n${target.password}`;

export function useMeetingKeys(): MeetingKeysCache {
  const keysCache = useRef<Entry | null>(null);
  return useMemo(() => {
    const getKeys = (target: MeetingTarget): Promise<MeetingKeys> => {
      const id = idOf(target);
      if (keysCache.current?.id !== id) {
        const entry: Entry = { id, promise: meetingKeysFor(target.password, target.meetingId) };
        entry.promise.then(
          (keys) => (entry.keys = keys),
          () => {
            // A failed derivation is not kept: the next attempt derives again (the join reports the error).
            if (keysCache.current === entry) keysCache.current = null;
          },
        );
        keysCache.current = entry;
      }
      return keysCache.current.promise;
    };
    const now = (target: MeetingTarget) => (keysCache.current?.id === idOf(target) ? (keysCache.current.keys ?? null) : null);
    return Object.assign(getKeys, { now });
  }, []);
}
