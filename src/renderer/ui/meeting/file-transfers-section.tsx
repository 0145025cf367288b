import { useRef, useState } from 'preact/hooks';
import type { CallEngine, FileTransfer } from '../../engine/call-state.js';
import type { Recipient } from './call-selectors.js';
import { MAX_FILE_BYTES } from '../../engine/files/file-protocol.js';
import { fileRefusedText } from '../messages.js';
import { formatBytes, sizeLimitText, transferStatus } from './file-text.js';

/** Who a file goes to: everyone in the meeting, or one person (a peer id). */
export type FileRecipient = 'everyone' | string;

const MOVING = new Set<FileTransfer['state']>(['waiting', 'sending', 'receiving', 'verifying']);

export interface FileSectionProps {
  transfers: FileTransfer[];
  peers: Recipient[];
  /** The current recipient: 'everyone', or someone still in the meeting. */
  recipient: FileRecipient;
  onRecipient: (r: FileRecipient) => void;
  /** Sends each file to the chosen recipient; throws when nobody can receive. */
  onSend: (files: File[]) => void;
  /** The largest file the meeting carries now (smaller once it moved to the SFU). */
  maxFileBytes: number;
  engine: Pick<CallEngine, 'acceptFile' | 'declineFile' | 'cancelFile' | 'dismissFile'>;
}

/**
 * The chat panel's files: pick a recipient and a file (or drop one on the
 * window, meeting-screen.tsx), then follow each transfer with a progress bar,
 * its speed, and Accept/Decline, Cancel, Save or Remove as its state allows.
 */
export function FileTransfersSection(props: FileSectionProps) {
  const picker = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const send = (files: File[]) => {
    setError(null);
    try {
      props.onSend(files);
    } catch (err) {
      setError(fileRefusedText(err));
    }
  };

  return (
    <section class="files" aria-label="Files">
      <div class="file-send">
        <label for="file-recipient">Send to</label>
        <select id="file-recipient" value={props.recipient} onChange={(e) => props.onRecipient(e.currentTarget.value)}>
          <option value="everyone">Everyone</option>
          {props.peers.map((p) => (
            <option key={p.peerId} value={p.peerId}>
              {p.displayName}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => picker.current?.click()} aria-describedby="file-limit">
          Send a file
        </button>
        {/* The button above is the control people use; the input only opens the system picker. */}
        <input
          ref={picker}
          type="file"
          multiple
          class="sr-only"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            if (files.length > 0) send(files);
          }}
        />
      </div>
      <p id="file-limit" class="hint">
        {sizeLimitText(props.maxFileBytes)} Or drop files on the window.{' '}
        {props.maxFileBytes < MAX_FILE_BYTES
          ? 'In a meeting this large, files go through the meeting server, end-to-end encrypted: it cannot read them, and they move more slowly.'
          : 'Files go directly to the others, end-to-end encrypted.'}
      </p>
      {error === null ? null : (
        <p role="alert" class="alert">
          {error}
        </p>
      )}
      {props.transfers.length === 0 ? null : (
        <ul class="transfers" aria-label="File transfers">
          {props.transfers.map((t) => (
            <TransferItem key={t.id} t={t} engine={props.engine} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TransferItem({ t, engine }: { t: FileTransfer; engine: FileSectionProps['engine'] }) {
  const way = t.direction === 'in' ? `from ${t.peerName}` : `to ${t.peerName}`;
  const status = transferStatus(t);
  const showProgress = MOVING.has(t.state) || (t.state === 'done' && t.size > 0);
  return (
    <li class={`transfer ${t.state}`} aria-label={`${t.name} ${way}`}>
      <p class="transfer-name">
        <span class="name">{t.name}</span> <span class="size">{formatBytes(t.size)}</span>
      </p>
      {showProgress ? <progress max={t.size || 1} value={t.size === 0 ? 0 : t.bytes} aria-label={`Progress of ${t.name} ${way}`} /> : null}
      <p class={`transfer-status${t.state === 'failed' ? ' failed' : ''}`}>{status}</p>
      <div class="actions">
        {t.state === 'offered' ? (
          <>
            <button type="button" class="small primary" aria-label={`Accept ${t.name} ${way}`} onClick={() => void engine.acceptFile(t.id)}>
              Accept
            </button>
            <button type="button" class="small" aria-label={`Decline ${t.name} ${way}`} onClick={() => engine.declineFile(t.id)}>
              Decline
            </button>
          </>
        ) : null}
        {MOVING.has(t.state) ? (
          <button type="button" class="small" aria-label={`Cancel ${t.name} ${way}`} onClick={() => engine.cancelFile(t.id)}>
            Cancel
          </button>
        ) : null}
        {t.state === 'done' && t.url !== null ? (
          <a class="button small primary" href={t.url} download={t.name} aria-label={`Save ${t.name}`}>
            Save
          </a>
        ) : null}
        {!MOVING.has(t.state) && t.state !== 'offered' ? (
          <button type="button" class="small" aria-label={`Remove ${t.name} ${way} from the list`} onClick={() => engine.dismissFile(t.id)}>
            Remove
          </button>
        ) : null}
      </div>
    </li>
  );
}
