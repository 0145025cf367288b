/**
 * A link's three data channels: `chat` (with a backlog for frames written
 * before it opens), `files` (file transfers; binary chunks and sealed
 * control messages, with backpressure through `drained()`) and `control`
 * (sealed recording notices, repeated by their sender: no backlog). All are
 * negotiated with a fixed id: both ends create them, no in-band announcement
 * needed. Frames are handed on raw; the engine decrypts and validates them.
 */
import type { FramePipe } from '../files/file-transfers.js';

/** Largest chat frame we accept from a data channel (the envelope of a 4,000-character message fits easily). */
export const MAX_CHAT_FRAME = 32 * 1024;
/** Chat frames kept for a peer whose chat channel is not open yet. */
export const MAX_CHAT_BACKLOG = 100;
/** Largest text frame on the files channel (a sealed control message). */
export const MAX_FILE_CONTROL_FRAME = 16 * 1024;
/** The files channel wakes a waiting sender when its buffer falls to this. */
export const FILES_LOW_WATER_BYTES = 256 * 1024;
/** Largest frame on the control channel (a sealed recording notice is a few hundred bytes). */
export const MAX_CONTROL_FRAME = 1024;

export interface ChannelEvents {
  /** A raw frame from the chat data channel, not yet decrypted or validated. */
  onChatFrame(frame: string): void;
  /** A raw frame from the files data channel (files/file-transfers.ts validates it). */
  onFileFrame?(frame: string | ArrayBuffer): void;
  /** A raw frame from the control data channel (recording notices), not yet opened. */
  onControlFrame?(frame: string): void;
}

export interface LinkChannels {
  /** Creates both channels on the connection (when the link attaches its media). */
  open(): void;
  /** False if the frame cannot be sent or kept for later. */
  sendChat(frame: string): boolean;
  /** False if the control channel is not open (its frames are repeated, so nothing waits). */
  sendControl(frame: string): boolean;
  readonly files: FramePipe;
  /** Drops the backlog and stops delivering frames; sends nothing more. */
  dispose(): void;
}

export function createLinkChannels(pc: Pick<RTCPeerConnection, 'createDataChannel'>, events: ChannelEvents): LinkChannels {
  let disposed = false;
  let chat: RTCDataChannel | null = null;
  /** Chat frames written before the chat channel opened: sent, in order, when it does. */
  const chatBacklog: string[] = [];
  let files: RTCDataChannel | null = null;
  let control: RTCDataChannel | null = null;
  /** Senders waiting in drained(), woken at dispose too. */
  const waiting = new Set<() => void>();

  function open(): void {
    if (disposed) return;
    // Negotiated with a fixed id: both ends create it, no in-band announcement needed.
    chat = pc.createDataChannel('chat', { negotiated: true, id: 0, ordered: true });
    chat.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string' && ev.data.length <= MAX_CHAT_FRAME) events.onChatFrame(ev.data);
    };
    chat.onopen = () => {
      for (const frame of chatBacklog.splice(0)) chat?.send(frame);
    };
    // A channel of its own, so a big file never queues in front of chat.
    files = pc.createDataChannel('files', { negotiated: true, id: 1, ordered: true });
    files.binaryType = 'arraybuffer';
    files.bufferedAmountLowThreshold = FILES_LOW_WATER_BYTES;
    files.onmessage = (ev: MessageEvent) => {
      const data: unknown = ev.data;
      if ((typeof data === 'string' && data.length <= MAX_FILE_CONTROL_FRAME) || data instanceof ArrayBuffer) events.onFileFrame?.(data);
    };
    control = pc.createDataChannel('control', { negotiated: true, id: 2, ordered: true });
    control.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string' && ev.data.length <= MAX_CONTROL_FRAME) events.onControlFrame?.(ev.data);
    };
  }

  function sendControl(frame: string): boolean {
    if (disposed || control?.readyState !== 'open') return false;
    try {
      control.send(frame);
      return true;
    } catch {
      return false; // the channel closed under us; the next repeat goes on another
    }
  }

  function sendChat(frame: string): boolean {
    if (disposed) return false;
    if (chat?.readyState === 'open') {
      chat.send(frame);
      return true;
    }
    // Someone who just joined shows before their channel opens; what is written to them meanwhile waits.
    if ((chat === null || chat.readyState === 'connecting') && chatBacklog.length < MAX_CHAT_BACKLOG) {
      chatBacklog.push(frame);
      return true;
    }
    return false;
  }

  /** Resolves when the files channel's buffer is low again (or it closed): the sender's backpressure. */
  function drained(): Promise<void> {
    const ch = files;
    if (disposed || !ch || ch.readyState !== 'open' || ch.bufferedAmount <= ch.bufferedAmountLowThreshold) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        ch.removeEventListener('bufferedamountlow', done);
        ch.removeEventListener('close', done);
        waiting.delete(done);
        resolve();
      };
      ch.addEventListener('bufferedamountlow', done);
      ch.addEventListener('close', done);
      waiting.add(done);
    });
  }

  const pipe: FramePipe = {
    get open() {
      return !disposed && files?.readyState === 'open';
    },
    get bufferedAmount() {
      return files?.bufferedAmount ?? 0;
    },
    send(data) {
      if (disposed || !files || files.readyState !== 'open') return false;
      try {
        if (typeof data === 'string') files.send(data);
        else files.send(data);
        return true;
      } catch {
        return false; // the channel closed under us
      }
    },
    drained,
  };

  return {
    open,
    sendChat,
    sendControl,
    files: pipe,
    dispose() {
      disposed = true;
      if (chat) chat.onmessage = chat.onopen = null;
      chatBacklog.length = 0;
      if (files) files.onmessage = null;
      if (control) control.onmessage = null;
      // RTCPeerConnection.close() closes its channels abruptly and need not fire their
      // `close` (W3C WebRTC, "close the connection"): a sender waiting in drained() would wait forever.
      for (const done of [...waiting]) done();
    },
  };
}
