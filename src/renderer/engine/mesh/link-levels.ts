/**
 * Audio levels on one link, from the stats' cumulative audio energy
 * (stats.ts): the peer's microphone as received, and ours as this link sends
 * it. Each reading is the level since the previous one; a shared screen's
 * sound is never taken for a voice.
 */
import { audioEnergyOf, levelFromEnergy, recordsOf, type AudioEnergy } from '../stats.js';

export interface LinkLevels {
  /** The peer's audio level (0..1, RMS) since the previous call; null when not known yet. */
  remote(): Promise<number | null>;
  /** Our own microphone's level as sent on this link (0..1, RMS) since the previous call; null when not known yet. */
  local(): Promise<number | null>;
  /** Readings are null from now on. */
  dispose(): void;
}

export interface LinkLevelsOptions {
  pc: Pick<RTCPeerConnection, 'getReceivers' | 'getSenders'>;
  isScreenTrack(track: MediaStreamTrack): boolean;
  isScreenSender(sender: RTCRtpSender): boolean;
}

export function createLinkLevels(o: LinkLevelsOptions): LinkLevels {
  let disposed = false;
  /** The audio counters at the previous remote(). */
  let lastEnergy: AudioEnergy | null = null;
  /** Our microphone's counters at the previous local(). */
  let lastLocalEnergy: AudioEnergy | null = null;
  return {
    async remote() {
      // The person's microphone, not the sound of a screen they share.
      const receiver = disposed ? undefined : o.pc.getReceivers().find((r) => r.track.kind === 'audio' && !o.isScreenTrack(r.track));
      if (!receiver) return null;
      const next = audioEnergyOf(recordsOf(await receiver.getStats()), 'inbound-rtp');
      const level = levelFromEnergy(lastEnergy, next);
      lastEnergy = next;
      return level;
    },
    async local() {
      // Our microphone as this link sends it (not a shared screen's sound).
      const sender = disposed ? undefined : o.pc.getSenders().find((s) => s.track?.kind === 'audio' && !o.isScreenSender(s));
      if (!sender) return null;
      const next = audioEnergyOf(recordsOf(await sender.getStats()), 'media-source');
      const level = levelFromEnergy(lastLocalEnergy, next);
      lastLocalEnergy = next;
      return level;
    },
    dispose() {
      disposed = true;
    },
  };
}
