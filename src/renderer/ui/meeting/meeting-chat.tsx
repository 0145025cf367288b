import type { CallEngine } from '../../engine/call-state.js';
import { useCallSelector } from '../hooks.js';
import { countRender } from '../render-count.js';
import { selectChat, selectRecipients, selectTransfers, shallowArrayEqual } from './call-selectors.js';
import { ChatPanel } from './chat-panel.js';
import { FileTransfersSection, type FileRecipient } from './file-transfers-section.js';

export interface MeetingChatProps {
  engine: CallEngine;
  /** 'everyone', or someone still in the meeting. */
  recipient: FileRecipient;
  onRecipient: (r: FileRecipient) => void;
  onSend: (files: File[]) => void;
  onClose: () => void;
}

/** The Chat panel with its Files section, subscribed to the chat, the transfers and who can receive a file. */
export function MeetingChat({ engine, recipient, onRecipient, onSend, onClose }: MeetingChatProps) {
  countRender('MeetingChat');
  const messages = useCallSelector(engine, selectChat);
  const transfers = useCallSelector(engine, selectTransfers);
  const recipients = useCallSelector(engine, selectRecipients, shallowArrayEqual);
  const maxFileBytes = useCallSelector(engine, (s) => s.maxFileBytes);
  return (
    <ChatPanel messages={messages} onSend={(text) => engine.sendChat(text)} onClose={onClose}>
      <FileTransfersSection transfers={transfers} peers={recipients} recipient={recipient} onRecipient={onRecipient} onSend={onSend} maxFileBytes={maxFileBytes} engine={engine} />
    </ChatPanel>
  );
}
