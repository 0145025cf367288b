import { useEffect, useRef } from 'preact/hooks';
import { reportAs } from '../../engine/failures.js';

/**
 * Microphone level: an AnalyserNode on the stream, drawn every frame by
 * writing the bar's transform through CSSOM (allowed by the CSP, unlike a
 * style attribute in markup) and reported in aria-valuenow a few times a second.
 */
export function LevelMeter({ stream, label = 'Microphone level' }: { stream: MediaStream | null; label?: string }) {
  const meter = useRef<HTMLDivElement>(null);
  const fill = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = meter.current;
    const bar = fill.current;
    if (!el || !bar) return;
    const show = (level: number) => {
      bar.style.transform = `scaleX(${level.toFixed(3)})`;
    };
    show(0);
    el.setAttribute('aria-valuenow', '0');
    const track = stream?.getAudioTracks()[0];
    if (!stream || !track || typeof AudioContext === 'undefined') return;

    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let smoothed = 0;
    let frame = 0;
    let lastReport = 0;
    const tick = (now: number) => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      // Speech RMS sits around 0.02-0.2; a square-root curve makes quiet voices visible.
      const level = track.enabled ? Math.min(1, Math.sqrt(rms * 5)) : 0;
      smoothed = level > smoothed ? level : smoothed * 0.85 + level * 0.15;
      show(smoothed);
      if (now - lastReport > 250) {
        lastReport = now;
        el.setAttribute('aria-valuenow', String(Math.round(smoothed * 100)));
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    // Autoplay policy: a context made before any click starts suspended.
    const resume = () => void ctx.resume().catch(reportAs('starting the microphone meter'));
    resume();
    window.addEventListener('pointerdown', resume, { once: true });
    window.addEventListener('keydown', resume, { once: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('pointerdown', resume);
      window.removeEventListener('keydown', resume);
      source.disconnect();
      void ctx.close().catch(reportAs('closing the microphone meter'));
    };
  }, [stream]);
  return (
    <div class="meter-row">
      <span class="meter-label" id="mic-level-label" aria-hidden="true">
        Mic
      </span>
      <div ref={meter} class="meter" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={0}>
        <div ref={fill} class="meter-fill" />
      </div>
    </div>
  );
}
