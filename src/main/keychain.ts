/**
 * Secrets in the OS keychain, through keytar (macOS Keychain, Windows
 * Credential Vault, the Secret Service on Linux: gnome-keyring, KWallet).
 * Only two kinds of secret exist: a session token per signaling server, and a
 * remembered meeting password per (server, meeting).
 *
 * There is no fallback. When the keychain does not answer (Linux without a
 * Secret Service, a locked keyring, keytar failing to load), every call
 * throws KeychainUnavailableError and the app tells the person so: it does
 * not keep the secret in a file, in settings, or anywhere else.
 *
 * keytar is a parameter, so this is tested against the real thing.
 */

/** The part of keytar used here. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

/** The keychain "service" every meriMeet secret is filed under. */
export const KEYCHAIN_SERVICE = 'meriMeet';

export class KeychainUnavailableError extends Error {
  constructor(reason: string) {
    super(`The system keychain is not available: ${reason}`);
    this.name = 'KeychainUnavailableError';
  }
}

export type KeychainStatus = { available: true; reason: null } | { available: false; reason: string };

export interface Keychain {
  status(): Promise<KeychainStatus>;
  getSessionToken(server: string): Promise<string | null>;
  setSessionToken(server: string, token: string): Promise<void>;
  clearSessionToken(server: string): Promise<void>;
  rememberMeetingPassword(server: string, meetingId: string, password: string): Promise<void>;
  recallMeetingPassword(server: string, meetingId: string): Promise<string | null>;
  forgetMeetingPassword(server: string, meetingId: string): Promise<void>;
  /** The names of the app's entries (never what they hold). */
  accounts(): Promise<string[]>;
  /** Deletes every entry of the app; returns how many there were. */
  forgetAll(): Promise<number>;
}

export const sessionAccount = (server: string): string => `session ${server}`;
export const meetingAccount = (server: string, meetingId: string): string => `meeting ${meetingId} ${server}`;

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}

/**
 * A keychain over `keytar`, or over nothing when keytar itself could not be
 * loaded (`loadError`): then it is permanently unavailable, with that reason.
 */
export function createKeychain(keytar: KeytarLike | null, options: { service?: string; loadError?: string } = {}): Keychain {
  const service = options.service ?? KEYCHAIN_SERVICE;

  async function use<T>(operation: (k: KeytarLike) => Promise<T>): Promise<T> {
    if (keytar === null) throw new KeychainUnavailableError(options.loadError ?? 'keytar is not loaded');
    try {
      return await operation(keytar);
    } catch (err) {
      throw new KeychainUnavailableError(reasonOf(err));
    }
  }

  return {
    async status() {
      try {
        // A lookup that finds nothing still needs the keychain to answer.
        await use((k) => k.getPassword(service, 'availability probe'));
        return { available: true, reason: null };
      } catch (err) {
        return { available: false, reason: reasonOf(err) };
      }
    },
    getSessionToken: (server) => use((k) => k.getPassword(service, sessionAccount(server))),
    setSessionToken: (server, token) => use((k) => k.setPassword(service, sessionAccount(server), token)),
    clearSessionToken: (server) => use((k) => k.deletePassword(service, sessionAccount(server))).then(() => undefined),
    rememberMeetingPassword: (server, meetingId, password) =>
      use((k) => k.setPassword(service, meetingAccount(server, meetingId), password)),
    recallMeetingPassword: (server, meetingId) => use((k) => k.getPassword(service, meetingAccount(server, meetingId))),
    forgetMeetingPassword: (server, meetingId) =>
      use((k) => k.deletePassword(service, meetingAccount(server, meetingId))).then(() => undefined),
    accounts: () =>
      use(async (k) => (await k.findCredentials(service)).map((c) => c.account).filter((a) => a !== 'availability probe')),
    forgetAll: () =>
      use(async (k) => {
        const entries = await k.findCredentials(service);
        for (const { account } of entries) await k.deletePassword(service, account);
        return entries.length;
      }),
  };
}

/** Loads keytar (a native module); a failure to load is reported, not thrown. */
export async function loadKeytar(): Promise<{ keytar: KeytarLike | null; loadError?: string }> {
  try {
    const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & KeytarLike;
    return { keytar: mod.default ?? mod };
  } catch (err) {
    return { keytar: null, loadError: `keytar could not load (${reasonOf(err)})` };
  }
}
