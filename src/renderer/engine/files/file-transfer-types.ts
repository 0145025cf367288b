/**
 * What file transfers are, as the rest of the engine and the UI see them: the
 * transfer record, its states and failures, and the two ports the transfers
 * need (the peer's `files` channel, and where a received file is written).
 * The behaviour lives in file-transfers.ts (the public surface),
 * transfer-core.ts (bookkeeping shared by both directions), file-sending.ts
 * and file-receiving.ts.
 */
/** A link's `files` data channel, as the transfers need it (mesh/link-channels.ts). */
export interface FramePipe {
  readonly open: boolean;
  readonly bufferedAmount: number;
  send(data: string | ArrayBuffer): boolean;
  /** Resolves once the send buffer has drained to its low threshold, or the channel closed. */
  drained(): Promise<void>;
}

/** Where a received file goes while it arrives (disk, in the web client: sinks.ts). */
export interface FileSink {
  write(chunk: Uint8Array<ArrayBuffer>): Promise<void>;
  /** Everything is written: the file as the person can save it. */
  finish(): Promise<Blob>;
  /** Throws away whatever was written (also after finish()). */
  discard(): Promise<void>;
}

export type TransferState =
  | 'offered' // incoming, waiting for the person to accept or decline
  | 'waiting' // outgoing, waiting for the receiver to accept
  | 'sending'
  | 'receiving'
  | 'verifying'
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

/** Why a transfer failed; the UI turns it into a sentence with names. */
export type TransferError =
  | 'peer_left' // the other side left the meeting before the end
  | 'remote_failed' // the other side reported a failure
  | 'too_large' // the offer exceeds MAX_FILE_BYTES
  | 'too_large_relayed' // in an SFU meeting, the offer exceeds MAX_RELAYED_FILE_BYTES
  | 'out_of_order' // a chunk came out of order, or for a transfer not running
  | 'damaged' // a chunk failed its authentication tag
  | 'too_much_data' // more bytes than offered
  | 'incomplete' // "done" before all bytes arrived
  | 'hash_mismatch' // the whole file's SHA-256 did not match
  | 'storage' // the sink could not be created or written
  | 'stalled' // nothing came from the sender for STALL_MS while receiving
  | 'connection'; // the data channel closed

export interface FileTransfer {
  id: string;
  direction: 'in' | 'out';
  /** The other side. */
  peerId: string;
  /** Their display name when the transfer began (kept after they leave, for the message that says so). */
  peerName: string;
  /** Incoming: sanitized (file-name.ts). Outgoing: as the file is called. */
  name: string;
  size: number;
  type: string;
  state: TransferState;
  /** Sent (out) or received and written (in). */
  bytes: number;
  /** Average since the transfer started moving. */
  bytesPerSecond: number;
  error: TransferError | null;
  /** Incoming, verified: an object URL to save the file from. */
  url: string | null;
}

export interface FileTransfersOptions {
  key: CryptoKey;
  meetingId: string;
  localPeerId: () => string | null;
  /** A participant's display name. */
  nameOf: (peerId: string) => string;
  /** The `files` channel to a peer, or null if there is no open link. */
  pipeTo: (peerId: string) => FramePipe | null;
  createSink: (name: string, size: number) => Promise<FileSink>;
  /** The largest file accepted now (MAX_FILE_BYTES in a mesh, MAX_RELAYED_FILE_BYTES through the relay). */
  maxFileBytes?: () => number;
  onChange: (transfers: FileTransfer[]) => void;
  now?: () => number;
}

export interface FileTransfers {
  /** Offers `file` to each of `peerIds` (one transfer each). */
  send(file: Blob & { name: string }, peerIds: string[]): FileTransfer[];
  accept(id: string): Promise<void>;
  decline(id: string): void;
  cancel(id: string): void;
  /** Removes a finished transfer from the list (and its saved copy from the sink). */
  dismiss(id: string): void;
  /** A frame from `peerId`'s files channel. */
  receive(peerId: string, frame: string | ArrayBuffer): Promise<void>;
  /** `peerId` left the meeting: whatever runs with them fails. */
  peerGone(peerId: string): void;
  /** The call is over: everything stops and is discarded. */
  close(): void;
  list(): FileTransfer[];
}
