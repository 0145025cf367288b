import { useEffect, useRef } from 'preact/hooks';
import type { Devices } from '../../../common/ipc-contract.js';
import { DeviceSelect } from '../prejoin/device-select.js';
import { LevelMeter } from '../prejoin/level-meter.js';
import { useDevices, useLocalMedia } from '../prejoin/local-media.js';
import type { SectionProps } from './general-section.js';

/** Default camera, microphone and speaker, with a live preview and a microphone meter. */
export function DevicesSection({ api, state, onApplied }: SectionProps & { onApplied: (devices: Devices) => void }) {
  const devices = state.config?.devices ?? { cameraId: null, micId: null, speakerId: null };
  const { media } = useLocalMedia(devices.cameraId ?? '', devices.micId ?? '');
  const all = useDevices(media);
  const preview = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (preview.current) preview.current.srcObject = media?.stream ?? null;
  }, [media]);
  if (!state.config) return null;
  const set = (patch: Partial<Devices>) => {
    const next = { ...devices, ...patch };
    void state.change('devices', async () => {
      const config = await api.updateSettings({ devices: next });
      onApplied(config.devices);
      return config;
    });
  };
  const id = (value: string) => (value === '' ? null : value);
  return (
    <section class="card settings-section" aria-labelledby="settings-devices">
      <h2 id="settings-devices">Camera, microphone and speaker</h2>
      <div class="settings-devices">
        <div class="preview settings-preview">
          <video ref={preview} aria-label="Camera preview" autoPlay playsInline muted />
        </div>
        <div>
          <DeviceSelect
            id="set-camera"
            label="Camera"
            devices={all.filter((d) => d.kind === 'videoinput')}
            value={devices.cameraId ?? ''}
            emptyText="No camera found"
            onChange={(v) => set({ cameraId: id(v) })}
          />
          <DeviceSelect
            id="set-mic"
            label="Microphone"
            devices={all.filter((d) => d.kind === 'audioinput')}
            value={devices.micId ?? ''}
            emptyText="No microphone found"
            onChange={(v) => set({ micId: id(v) })}
          />
          <LevelMeter stream={media?.stream ?? null} />
          <DeviceSelect
            id="set-speaker"
            label="Speaker"
            devices={all.filter((d) => d.kind === 'audiooutput')}
            value={devices.speakerId ?? ''}
            emptyText="System default speaker"
            onChange={(v) => set({ speakerId: id(v) })}
          />
        </div>
      </div>
      {media?.problem ? <p class="notice">{media.problem}</p> : null}
      {state.errors.devices ? (
        <p role="alert" class="alert">
          {state.errors.devices}
        </p>
      ) : null}
    </section>
  );
}
