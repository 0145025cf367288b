/**
 * The settings screen's state: the config main holds, and one way to change
 * it that shows main's refusal (main validates every change against the IPC
 * contract; a conflicting shortcut, a bad server address) in words.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { bridgeErrorCode } from '../../../common/desktop-bridge.js';
import type { DesktopConfig } from '../../../common/ipc-contract.js';
import type { DesktopSettings } from '../../platform/platform.js';

/** The readable part of a bridge error (`[code] message` → `message`). */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^(Error invoking remote method '[^']*': )?(Error: )?\[[a-z_]+\]\s*/, '') || 'That did not work.';
}

export interface SettingsState {
  config: DesktopConfig | null;
  /** The last refusal, per section. */
  errors: Record<string, string | null>;
  /** Runs a change; its config answer replaces the shown one; a refusal lands in errors[section]. */
  change(section: string, operation: () => Promise<DesktopConfig | void>): Promise<boolean>;
  reload(): Promise<void>;
}

export function useSettings(settings: DesktopSettings): SettingsState {
  const [config, setConfig] = useState<DesktopConfig | null>(null);
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const reload = useCallback(async () => setConfig(await settings.getConfig()), [settings]);
  useEffect(() => void reload(), [reload]);
  const change = useCallback(async (section: string, operation: () => Promise<DesktopConfig | void>) => {
    try {
      const next = await operation();
      if (next) setConfig(next);
      setErrors((old) => ({ ...old, [section]: null }));
      return true;
    } catch (err) {
      const code = bridgeErrorCode(err);
      setErrors((old) => ({ ...old, [section]: code === 'keychain_unavailable' ? 'The system keychain is not available.' : errorText(err) }));
      return false;
    }
  }, []);
  return { config, errors, change, reload };
}
