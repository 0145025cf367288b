/**
 * The "audio" benchmark (issue 16): how much noise RNNoise removes from what
 * the others hear, and what it does to the voice. Speech from espeak-ng and
 * pink noise from sox are mixed into a WAV that Ada's Chromium plays as its
 * microphone; Bob records what arrives, with Ada's suppression off and then on
 * in the same call (measure.ts). Each recording is lined up with the clean
 * speech (signals.ts): noise energy in the speech-free stretches, speech
 * energy in the speech frames (less the noise floor).
 * Targets: noise ≥ 15 dB lower, speech within 3 dB. Also reported: the CPU of
 * Ada's renderer processes with suppression off and on; the difference is the
 * worklet's cost for her one microphone stream.
 * Runs in a loopback-only network namespace (netns.ts), like the e2e suite.
 */
import type { Benchmark, BenchReport } from '../support/benchmark.js';
import { removeDir, tempDir } from '../support/cleanup.js';
import { loopbackOnly, runInLoopbackNamespace } from '../support/netns.js';
import { fmt } from '../support/stats.js';
import { ensureWebBuild } from '../support/web-build.js';
import type { AudioSamples, Window } from './measure.js';
import { compareEnergies, makeNoisySpeech, measureEnergies, type Energies } from './signals.js';

const NOISE_TARGET_DB = 15;
const SPEECH_TARGET_DB = 3;

const dbfs = (meanSquare: number) => 10 * Math.log10(meanSquare);
const cpuPercent = (w: Window) => (100 * w.rendererCpuSeconds) / w.seconds;

export const audioBenchmark: Benchmark = {
  name: 'audio',
  summary: 'noise suppression: noise and speech energy at the receiver, suppression off vs on in one call, and its CPU',
  options: {
    seconds: { default: 29, help: 'seconds recorded at the receiver for each of off and on (the file loops every ~14.4 s)' },
    'noise-volume': { default: 0.1, help: "sox's vol for the pink noise (0.1 ≈ −33 dBFS RMS, ~12 dB under the speech)" },
    build: { default: 1, help: '1 builds the web client first; 0 measures the existing dist/web' },
  },

  async run(o, ctx): Promise<BenchReport> {
    const webRoot = ensureWebBuild(o.build !== 0, ctx.log);
    const dir = tempDir('merimeet-bench-audio-wav-');
    try {
      const sound = makeNoisySpeech(dir, o['noise-volume']!);
      ctx.log(`noisy speech: ${sound.seconds.toFixed(1)} s, speech ${sound.speechDbfs} dBFS, noise ${sound.noiseDbfs} dBFS RMS`);
      const seconds = Math.max(5, o.seconds!);
      let samples: AudioSamples;
      if (loopbackOnly()) {
        const { measureAudio } = await import('./measure.js');
        samples = await measureAudio(sound.mixPath, seconds, webRoot, ctx.log);
      } else {
        ctx.log('entering a loopback-only network namespace (unshare -n)');
        const out = await runInLoopbackNamespace('test/bench/audio/isolated.ts', [sound.mixPath, String(seconds), webRoot]);
        samples = JSON.parse(out.trim().split('\n').pop()!) as AudioSamples;
      }
      const off = measureEnergies(samples.off.energies, sound.reference);
      const on = measureEnergies(samples.on.energies, sound.reference);
      return report(samples, off, on, sound);
    } finally {
      removeDir(dir);
    }
  },
};

function report(samples: AudioSamples, off: Energies, on: Energies, sound: { speechDbfs: number; noiseDbfs: number; seconds: number }): BenchReport {
  const { noiseReductionDb, speechChangeDb } = compareEnergies(off, on);
  const cpuOff = cpuPercent(samples.off);
  const cpuOn = cpuPercent(samples.on);
  const row = (name: string, e: Energies, w: Window) => [name, fmt(dbfs(e.noise), 1), fmt(dbfs(e.speech), 1), String(e.noiseFrames), String(e.speechFrames), fmt(cpuPercent(w), 1)];
  return {
    results: {
      noiseReductionDb,
      speechChangeDb,
      off: { noiseDbfs: dbfs(off.noise), speechDbfs: dbfs(off.speech), noiseFrames: off.noiseFrames, speechFrames: off.speechFrames, rendererCpuPercent: cpuOff },
      on: { noiseDbfs: dbfs(on.noise), speechDbfs: dbfs(on.speech), noiseFrames: on.noiseFrames, speechFrames: on.speechFrames, rendererCpuPercent: cpuOn },
      workletCpuPercentPerStream: cpuOn - cpuOff,
      file: sound,
    },
    targets: [
      { name: 'noise in speech-free stretches', required: `≥ ${NOISE_TARGET_DB} dB lower`, measured: `${fmt(noiseReductionDb, 1)} dB lower`, pass: noiseReductionDb >= NOISE_TARGET_DB },
      { name: 'speech energy', required: `within ±${SPEECH_TARGET_DB} dB`, measured: `${speechChangeDb >= 0 ? '+' : ''}${fmt(speechChangeDb, 1)} dB`, pass: Math.abs(speechChangeDb) <= SPEECH_TARGET_DB },
    ],
    tables: [
      {
        title: 'Received at Bob, from Ada’s noisy microphone (energy per 10 ms frame, dBFS)',
        columns: ['Ada’s suppression', 'noise', 'speech', 'noise frames', 'speech frames', 'Ada renderer CPU %'],
        rows: [row('off', off, samples.off), row('on (RNNoise)', on, samples.on), ['difference', fmt(-noiseReductionDb, 1), fmt(speechChangeDb, 1), '', '', fmt(cpuOn - cpuOff, 1)]],
      },
    ],
    notes: [
      `The microphone file: ${sound.seconds.toFixed(1)} s looping, speech ${sound.speechDbfs} dBFS and pink noise ${sound.noiseDbfs} dBFS RMS; the browser's own noiseSuppression is off, echoCancellation and autoGainControl on, in both runs.`,
      'CPU % is of one core, over each recording; the difference is the worklet (RNNoise on one 48 kHz mono stream) plus anything else that changed between the two windows.',
    ],
  };
}
