/**
 * The person's own recording: start (announce first, then record, so
 * nobody is recorded before they are told), stop (the file is offered to
 * save, then everyone is told it stopped), and stop by itself when the host
 * takes the permission back or the call ends (the file is still saved).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { CallEngine, CallState } from '../../engine/call-state.js';
import { mayRecord } from '../../engine/recording/recording-consent.js';
import { useCallSelector } from '../hooks.js';
import { RECORDING } from '../messages.js';
import { startMeetingRecorder, type MeetingRecorder } from './meeting-recorder.js';

export interface Recording {
  /** Undefined: this person may not record (no button). */
  active: boolean | undefined;
  toggle: () => void;
}

/** Every sound the call plays, and this person's microphone as sent. */
function audioTracks(st: CallState): MediaStreamTrack[] {
  const streams = [st.local.stream, ...st.peers.flatMap((p) => [p.stream, p.screen])];
  return streams.flatMap((s) => s?.getAudioTracks() ?? []);
}

/** Offers the file to save (a download; the browser or the desktop app asks where). */
function save(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The download has its own reference by now; the page's goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'recorder_failed';
}

export function useRecording(engine: CallEngine, report: (message: string) => void): Recording {
  const allowed = useCallSelector(engine, mayRecord);
  const [active, setActive] = useState(false);
  const current = useRef<{ recorder: MeetingRecorder; name: string } | null>(null);
  const busy = useRef(false);

  const stop = useCallback(async () => {
    const rec = current.current;
    current.current = null;
    setActive(false);
    if (!rec) return;
    try {
      const { file } = await rec.recorder.stop();
      save(file, rec.name);
    } catch (err) {
      console.error('meriMeet: the recording could not be finished', err);
      report(RECORDING.errors[codeOf(err)] ?? RECORDING.errors['recorder_failed']!);
    }
    // Told after the file is safe; a call that already ended tells nobody (leaving said it).
    await engine.setRecording(false).catch((err: unknown) => console.warn('meriMeet: could not announce the end of the recording', err));
  }, [engine, report]);

  const start = useCallback(async () => {
    try {
      await engine.setRecording(true);
      current.current = {
        recorder: startMeetingRecorder({ area: () => document.querySelector('.video-area'), audioTracks: () => audioTracks(engine.getState()) }),
        name: RECORDING.fileName(new Date()),
      };
      setActive(true);
    } catch (err) {
      console.error('meriMeet: recording could not start', err);
      report(RECORDING.errors[codeOf(err)] ?? RECORDING.errors['recorder_failed']!);
      await engine.setRecording(false).catch((e: unknown) => console.warn('meriMeet: could not take back the recording notice', e));
    }
  }, [engine, report]);

  const toggle = useCallback(() => {
    if (busy.current) return;
    busy.current = true;
    void (current.current ? stop() : start()).finally(() => (busy.current = false));
  }, [start, stop]);

  // The host took the permission back: stop (and save what there is).
  useEffect(() => {
    if (!allowed && current.current) void stop();
  }, [allowed, stop]);
  // Leaving the call ends the recording; the file is still offered.
  useEffect(() => () => void stop(), [stop]);

  return { active: allowed || active ? active : undefined, toggle };
}
