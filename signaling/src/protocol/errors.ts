/**
 * Every error the server can answer with. Each code has one meaning; the
 * human-readable `message` that travels with it is for logs and people.
 */
export const ERROR_CODES = [
  // The frame itself
  'bad_json', // not valid UTF-8 JSON
  'bad_message', // JSON, but not a message this protocol defines (details in `message`)
  'rate_limited', // too many messages or attempts; retry after `retryAfterMs`
  // Accounts
  'unauthenticated', // this action needs a logged-in connection
  'bad_credentials', // wrong username or password
  'username_taken',
  'weak_password',
  'session_expired', // the session token is unknown, revoked or expired
  // Meetings and admission
  'not_found', // no such meeting (or not yours)
  'forbidden', // you may not do this (not the owner, not the host)
  'wrong_key', // the admission key does not match the meeting's verifier
  'meeting_full',
  'meeting_locked',
  'meeting_ended',
  'already_joined', // this connection is already in (or waiting for) a meeting
  'not_joined', // this connection is not in a meeting
  'peer_not_found', // no such participant in your meeting
  'resume_failed', // the resume token is invalid or its grace period has passed
  'ice_refresh_limited', // ice.refresh asked for too often on this connection; retry after `retryAfterMs`
  // Media through the SFU
  'not_on_sfu', // an sfu.* request in a meeting whose media is a mesh
  'sfu_unavailable', // no media server is up to take the meeting past the mesh limit; retry after `retryAfterMs`
  'sfu_refused', // the media server refused the request (a bad SDP, a subscription before publish)
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * WebSocket close codes the server uses (4000-4999 are application codes).
 * A client that does not know a code treats it like 1006: reconnect with back-off.
 */
export const CLOSE = {
  protocolError: 1002, // the client did not offer the subprotocol merimeet.v1
  invalidPayload: 1007, // a text frame that is not UTF-8 (sent by the ws library)
  policyViolation: 1008, // too many malformed frames
  tooLarge: 1009, // a frame over MAX_FRAME_BYTES (sent by the ws library)
  serviceRestart: 1012, // draining: reconnect and resume
  rateLimited: 4008, // kept flooding after being told to slow down
  replaced: 4010, // the same participant resumed on another connection
  tooManyConnections: 4029, // connection cap for this client address, or for the whole server
  // These two are only counted in the metrics: the socket is destroyed without a
  // close frame (a stalled reader would never read one), so the client sees 1006.
  slowConsumer: 4009, // did not read what the server sent
  heartbeat: 4011, // missed a heartbeat
} as const;
