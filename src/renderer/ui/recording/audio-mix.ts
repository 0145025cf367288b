/**
 * Everyone's sound mixed into one track (Web Audio): this person's
 * microphone as sent and every audio track the call plays. Tracks come and
 * go with people; sync() connects the new ones and lets go of the gone.
 */
export interface AudioMix {
  readonly track: MediaStreamTrack;
  /** Mixes exactly these tracks from now on. */
  sync(tracks: MediaStreamTrack[]): void;
  close(): Promise<void>;
}

export function createAudioMix(): AudioMix {
  const ctx = new AudioContext();
  const out = ctx.createMediaStreamDestination();
  const sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  // A recording started by a click may begin before the context runs; resume is allowed then.
  void ctx.resume();
  return {
    track: out.stream.getAudioTracks()[0]!,
    sync(tracks) {
      const live = new Set(tracks.filter((t) => t.readyState === 'live'));
      for (const [track, node] of sources) {
        if (live.has(track)) continue;
        node.disconnect();
        sources.delete(track);
      }
      for (const track of live) {
        if (sources.has(track)) continue;
        const node = ctx.createMediaStreamSource(new MediaStream([track]));
        node.connect(out);
        sources.set(track, node);
      }
    },
    async close() {
      for (const node of sources.values()) node.disconnect();
      sources.clear();
      out.stream.getTracks().forEach((t) => t.stop());
      await ctx.close();
    },
  };
}
