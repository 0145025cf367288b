import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../engine/call-state.js';

/** Longest message the box takes; the engine and the data channel bound it again. */
export const MAX_CHAT_TEXT = 4000;

function time(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Chat: text is always rendered as text nodes, never as HTML. `children` (file transfers) sit under the message box. */
export function ChatPanel({
  messages,
  onSend,
  onClose,
  children,
}: {
  messages: ChatMessage[];
  onSend: (text: string) => Promise<void>;
  onClose: () => void;
  children?: ComponentChildren;
}) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  const send = async (event: Event) => {
    event.preventDefault();
    const text = draft.trim();
    if (text === '') return;
    setDraft('');
    setError(null);
    try {
      await onSend(text);
    } catch {
      setDraft(text);
      setError('Your message could not be sent. Try again.');
    }
  };

  return (
    <aside class="panel" aria-label="Chat">
      <div class="panel-head">
        <h2>Chat</h2>
        <button type="button" class="small" onClick={onClose}>
          Close chat
        </button>
      </div>
      {/* Focusable so keyboard users can scroll a long history. */}
      <ul ref={list} class="messages" aria-label="Messages" tabIndex={0}>
        {messages.map((m) => (
          <li key={m.id} class={m.mine ? 'mine' : ''}>
            <span class="from">{m.mine ? `${m.fromName} (you)` : m.fromName}</span> <span class="time">{time(m.sentAt)}</span>
            <p class="text">{m.text}</p>
          </li>
        ))}
      </ul>
      {messages.length === 0 ? <p class="hint">No messages yet. Messages are end-to-end encrypted.</p> : null}
      <form class="chat-form" onSubmit={(e) => void send(e)}>
        <label for="chat-input" class="sr-only">
          Message
        </label>
        <input id="chat-input" ref={input} type="text" autoComplete="off" maxLength={MAX_CHAT_TEXT} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit" class="primary">
          Send
        </button>
      </form>
      {error === null ? null : (
        <p role="alert" class="alert">
          {error}
        </p>
      )}
      {children}
    </aside>
  );
}
