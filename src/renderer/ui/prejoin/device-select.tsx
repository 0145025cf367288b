export interface DeviceSelectProps {
  id: string;
  label: string;
  devices: MediaDeviceInfo[];
  value: string;
  disabled?: boolean;
  /** Shown when there is nothing to choose. */
  emptyText: string;
  onChange: (deviceId: string) => void;
}

/** A labelled select of devices of one kind; the first option is the system default. */
export function DeviceSelect({ id, label, devices, value, disabled, emptyText, onChange }: DeviceSelectProps) {
  const known = devices.filter((d) => d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications');
  const selected = known.some((d) => d.deviceId === value) ? value : '';
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={selected} disabled={disabled === true || known.length === 0} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{known.length === 0 ? emptyText : 'System default'}</option>
        {known.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}
