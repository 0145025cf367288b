import type { ErrorCode } from './protocol/index.js';

/**
 * An error the client is meant to see: it becomes an `error` message with this
 * code. Anything else thrown inside a handler is logged and answered with
 * `internal`, so no stack trace or secret ever reaches a client.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
