/**
 * Protocol constants shared by the server and every client.
 * Changing one of these is a protocol change: see docs/protocol.md.
 */

/** Version 1 of the protocol, negotiated as a WebSocket subprotocol. */
export const PROTOCOL_VERSION = 1;
export const SUBPROTOCOL = `merimeet.v${PROTOCOL_VERSION}`;

/** Largest WebSocket frame the server accepts (ws's default is 100 MiB). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Display names are shown to others; keep them short and printable. */
export const MAX_DISPLAY_NAME = 64;
export const MAX_MEETING_TITLE = 120;

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;
/** NIST SP 800-63B: at least 8 characters, allow long passphrases. */
export const MIN_ACCOUNT_PASSWORD = 8;
export const MAX_ACCOUNT_PASSWORD = 256;

/**
 * Most people in one meeting: what its media goes through (Janus, an SFU)
 * carries up to this many; a meeting created without a size of its own may
 * grow to it.
 */
export const MAX_PARTICIPANTS = 50;
export const DEFAULT_MAX_PARTICIPANTS = MAX_PARTICIPANTS;
export const MIN_PARTICIPANTS = 2;
/**
 * Most people in a meeting on a server with no SFU, whose media therefore
 * stays a peer-to-peer mesh, whatever the meeting's own size: measured on a
 * 2-core machine, a 4-person mesh took 95 % of both cores and an 8-person one
 * never came together (issue 17), so beyond 8 a mesh is not a meeting.
 */
export const MESH_MAX_PARTICIPANTS = 8;

/** Meeting ids look like `kfd-wxpq-bnt`: easy to read aloud, no look-alike letters. */
export const MEETING_ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz';
export const MEETING_ID_PATTERN = /^[a-hjkmnp-z]{3}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{3}$/;

/** 32 random bytes, base64url without padding. Used for keys, verifiers and tokens. */
export const KEY_B64URL_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const PEER_ID_PATTERN = /^[0-9a-f]{16}$/;
export const MAX_RESUME_TOKEN = 1024;

/** Largest SDP relayed to or from the SFU (a 50-person subscriber offer is about 40 KB). */
export const MAX_SDP_BYTES = 60 * 1024;
/** Most feeds one member may subscribe to at once. */
export const MAX_SFU_FEEDS = 64;
