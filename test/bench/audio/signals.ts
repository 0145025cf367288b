/**
 * The audio bench's sound and its arithmetic. `makeNoisySpeech` writes, with
 * espeak-ng (speech) and sox (pink noise, mixing), a WAV Chromium plays as its
 * fake microphone, plus the clean speech it was mixed from: the reference
 * that says, frame by frame, where speech is and where only noise is.
 * `compareEnergies` lines the received sound up with that reference and
 * measures the noise in the speech-free stretches and the speech energy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLE_RATE = 48_000;
/** Energy is measured over 10 ms frames. */
export const FRAME_SECONDS = 0.01;
const GAP_SECONDS = 3;
const SENTENCES = ['The quick brown fox jumps over the lazy dog near the river bank.', 'Please send me the quarterly report before the meeting tomorrow.'];

export interface NoisySpeech {
  /** Speech + noise: the fake microphone. */
  mixPath: string;
  /** Mean square of each 10 ms frame of the clean speech, one period of the looping file. */
  reference: number[];
  seconds: number;
  /** Levels of the file itself (dBFS RMS), for the notes. */
  speechDbfs: number;
  noiseDbfs: number;
}

function sox(args: string[]): string {
  return execFileSync('sox', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** RMS level in dBFS of a WAV (sox's `stats`, which prints to stderr). */
function rmsDbfs(path: string): number {
  const out = execFileSync('bash', ['-c', 'sox "$1" -n stats 2>&1', 'stats', path], { encoding: 'utf8' });
  const m = /RMS lev dB\s+(-?[\d.]+|-inf)/.exec(out);
  return m && m[1] !== '-inf' ? Number(m[1]) : -Infinity;
}

/** The samples of a 16-bit mono PCM WAV, as floats (reads the chunks, not a fixed header). */
export function readWav(path: string): Float32Array {
  const buf = readFileSync(path);
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'data') {
      const samples = new Float32Array(Math.floor(size / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(at + 8 + i * 2) / 32768;
      return samples;
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Mean square per 10 ms frame. */
export function frameEnergies(samples: ArrayLike<number>, rate = SAMPLE_RATE): number[] {
  const n = Math.round(rate * FRAME_SECONDS);
  const out: number[] = [];
  for (let f = 0; f + n <= samples.length; f += n) {
    let sum = 0;
    for (let i = f; i < f + n; i++) sum += samples[i]! * samples[i]!;
    out.push(sum / n);
  }
  return out;
}

/** `noiseVolume`: sox's `vol` for the pink noise (0.1 ≈ −33 dBFS RMS, about 12 dB under the speech). */
export function makeNoisySpeech(dir: string, noiseVolume: number): NoisySpeech {
  const parts: string[] = [];
  const gap = join(dir, 'gap.wav');
  sox(['-n', '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', gap, 'trim', '0', String(GAP_SECONDS)]);
  SENTENCES.forEach((text, i) => {
    const raw = join(dir, `said-${i}.wav`);
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', raw, text]);
    const even = join(dir, `speech-${i}.wav`);
    sox([raw, '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', even, 'norm', '-3']);
    parts.push(gap, even);
  });
  const clean = join(dir, 'clean.wav');
  sox([...parts, clean]);
  const seconds = Number(execFileSync('soxi', ['-D', clean], { encoding: 'utf8' }).trim());
  const noise = join(dir, 'noise.wav');
  sox(['-n', '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', noise, 'synth', String(seconds), 'pinknoise', 'vol', String(noiseVolume)]);
  const mixPath = join(dir, 'noisy-speech.wav');
  // -v 1 on each input: sox -m would otherwise halve both.
  sox(['-m', '-v', '1', clean, '-v', '1', noise, mixPath]);
  const speech = join(dir, 'speech-only.wav');
  sox(parts.filter((p) => p !== gap).concat(speech));
  return { mixPath, reference: frameEnergies(readWav(clean)), seconds, speechDbfs: rmsDbfs(speech), noiseDbfs: rmsDbfs(noise) };
}

const db = (ratio: number) => 10 * Math.log10(ratio);

/** The lag (frames) at which `received` best follows the looping `reference` (correlation of log energies). */
export function alignment(received: number[], reference: number[]): number {
  const logRx = received.map((e) => Math.log10(e + 1e-10));
  const logRef = reference.map((e) => Math.log10(e + 1e-10));
  const meanRx = logRx.reduce((a, b) => a + b, 0) / logRx.length;
  const meanRef = logRef.reduce((a, b) => a + b, 0) / logRef.length;
  let best = 0;
  let bestScore = -Infinity;
  for (let lag = 0; lag < reference.length; lag++) {
    let score = 0;
    for (let k = 0; k < logRx.length; k++) score += (logRx[k]! - meanRx) * (logRef[(k + lag) % logRef.length]! - meanRef);
    if (score > bestScore) [best, bestScore] = [lag, score];
  }
  return best;
}

export interface Energies {
  /** Mean square in the speech-free stretches (≥ 300 ms from any speech). */
  noise: number;
  /** Mean square in the speech frames, less the noise floor measured beside them. */
  speech: number;
  noiseFrames: number;
  speechFrames: number;
}

/** Classifies each received frame by the aligned reference: speech (within 30 dB of its loudest frame), speech-free, or neither. */
export function measureEnergies(received: number[], reference: number[]): Energies {
  const lag = alignment(received, reference);
  const peak = Math.max(...reference);
  const margin = Math.round(0.3 / FRAME_SECONDS);
  const silentRef = reference.map((_, i) => {
    for (let d = -margin; d <= margin; d++) if (reference[(i + d + reference.length) % reference.length]! > peak * 1e-6) return false;
    return true;
  });
  let noiseSum = 0;
  let noiseFrames = 0;
  let speechSum = 0;
  let speechFrames = 0;
  received.forEach((e, k) => {
    const r = (k + lag) % reference.length;
    if (silentRef[r]) [noiseSum, noiseFrames] = [noiseSum + e, noiseFrames + 1];
    else if (reference[r]! > peak * 1e-3) [speechSum, speechFrames] = [speechSum + e, speechFrames + 1];
  });
  const noise = noiseFrames > 0 ? noiseSum / noiseFrames : NaN;
  const speech = speechFrames > 0 ? Math.max(1e-12, speechSum / speechFrames - noise) : NaN;
  return { noise, speech, noiseFrames, speechFrames };
}

/** Off vs on: how much lower the noise is, and how far the speech moved (both dB). */
export function compareEnergies(off: Energies, on: Energies): { noiseReductionDb: number; speechChangeDb: number } {
  return { noiseReductionDb: db(off.noise / on.noise), speechChangeDb: db(on.speech / off.speech) };
}
