/**
 * Meeting keys for the shell. Key derivation is slow on purpose (PBKDF2,
 * 600,000 iterations): it starts as soon as the id and password are known,
 * and the last result is kept for Rejoin. A failed derivation is forgotten so
 * the next attempt derives again.
 */
import { useCallback, useRef } from 'preact/hooks';
import { deriveMeetingKeys, type MeetingKeys } from '../../../common/crypto/meeting-keys.js';
import type { MeetingTarget } from '../routes.js';

export function useMeetingKeys(): (target: MeetingTarget) => Promise<MeetingKeys> {
  const keysCache = useRef<{ id: string; promise: Promise<MeetingKeys> } | null>(null);
  return useCallback((target: MeetingTarget): Promise<MeetingKeys> => {
    const id = `${target.meetingId}\n${target.password}`;
    if (keysCache.current?.id !== id) {
      const promise = deriveMeetingKeys(target.password, target.meetingId);
      promise.catch(() => {
        if (keysCache.current?.promise === promise) keysCache.current = null;
      });
      keysCache.current = { id, promise };
    }
    return keysCache.current.promise;
  }, []);
}
