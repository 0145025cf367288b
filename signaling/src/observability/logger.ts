/**
 * Structured JSON logs. Logs must never hold a password, key, token or chat:
 * callers log ids (meeting, peer, connection, account), never payloads. The
 * redaction below is defence in depth for the day someone forgets, not
 * permission to log whole messages.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Field names that carry secrets or user content anywhere in the protocol, the config or HTTP. */
export const REDACTED_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'admissionKey',
  'verifier',
  'resumeToken',
  'key',
  'secret',
  'turnSecret',
  'credential',
  'data', // signal payloads (SDP, candidates) and chat ride in `data`
  'authorization',
  'cookie',
] as const;

export const REDACTED = '[redacted]';

/** Each key at the top level and one or two objects down: deep enough for `{ msg: { data } }` or `{ req: { headers: { cookie } } }`. */
const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names read better than numbers in journald and docker logs.
    formatters: { level: (label) => ({ level: label }) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
