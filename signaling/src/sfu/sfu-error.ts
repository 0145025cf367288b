/**
 * Failures of the media server path, each with a code and data a log can
 * carry. Never holds the API secret, an SDP or a candidate: only ids, Janus's
 * own error code and reason, and which field was wrong.
 */
export type SfuErrorCode =
  | 'janus_unreachable' // could not open the API socket
  | 'janus_closed' // the API socket closed (Janus stopped, crashed or restarted)
  | 'janus_timeout' // no reply to a request in time (keepalive included)
  | 'janus_error' // Janus answered with an error (code, reason)
  | 'janus_plugin_error' // the VideoRoom plugin answered with an error (error_code, error)
  | 'janus_malformed' // a reply that is not what the Janus API defines
  | 'sfu_unavailable'; // no configured instance is up

export class SfuError extends Error {
  constructor(
    readonly code: SfuErrorCode,
    message: string,
    readonly data: Record<string, string | number | boolean | undefined> = {},
  ) {
    super(message);
    this.name = 'SfuError';
  }

  /** What a log line may hold. */
  toLog(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.data };
  }
}
