/**
 * What travels on a link's `files` data channel (mesh/link-channels.ts): control
 * messages as sealed JSON (sealed-json.ts) and chunks as binary frames, both
 * under the meeting's file key (file-crypto.ts). All of it is checked on
 * arrival like anything else that crosses a trust boundary.
 *
 * One transfer, sender → receiver:
 *   → offer {id, name, size, type}        ← accept | decline
 *   → chunk 0, 1, 2, … (binary)           ← ack {bytes written so far}, now and then
 *   → done {sha256: the file's content hash, content-hash.ts}   (checked before it can be saved)
 * Either side may send cancel at any time.
 */
import * as v from 'valibot';

/** Plaintext bytes per chunk (a data-channel message may be up to 256 KiB; smaller keeps chat responsive). */
export const CHUNK_BYTES = 64 * 1024;
/** The largest file a receiver accepts; shown to people. */
export const MAX_FILE_BYTES = 4 * 1024 ** 3;
/**
 * The largest file in an SFU meeting, where files go through the meeting
 * server's relay (sfu/relayed-files.ts): paced to about 600 KiB/s per
 * sender (measured: docs/e2e-and-benchmarks.md), 100 MiB is about three
 * minutes to one person, and the operator's bandwidth carries every copy.
 */
export const MAX_RELAYED_FILE_BYTES = 100 * 1024 ** 2;
/** Bytes a sender may have sent beyond what the receiver has written to disk. */
export const CREDIT_WINDOW_BYTES = 8 * 1024 * 1024;
/** The blocks of the whole-file hash (content-hash.ts); the sender also reads the file in these. */
export const HASH_BLOCK_BYTES = 1024 * 1024;
/** The receiver acknowledges at least this often. */
export const ACK_EVERY_BYTES = 1024 * 1024;

export const TransferId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/));
const Sha256 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));

export const FileControl = v.variant('t', [
  v.strictObject({
    t: v.literal('offer'),
    id: TransferId,
    /** As the sender's file is called; the receiver sanitizes it (file-name.ts). */
    name: v.pipe(v.string(), v.maxLength(1024)),
    size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
    type: v.pipe(v.string(), v.maxLength(200)),
  }),
  v.strictObject({ t: v.literal('accept'), id: TransferId }),
  v.strictObject({ t: v.literal('decline'), id: TransferId }),
  v.strictObject({ t: v.literal('ack'), id: TransferId, bytes: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  v.strictObject({ t: v.literal('done'), id: TransferId, sha256: Sha256 }),
  v.strictObject({ t: v.literal('cancel'), id: TransferId, reason: v.picklist(['cancelled', 'failed']) }),
]);
export type FileControl = v.InferOutput<typeof FileControl>;

/** Largest sealed control message (an offer with a 1,024-character name). */
export const MAX_CONTROL_CHARS = 8_000;
