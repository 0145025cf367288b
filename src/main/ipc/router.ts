/**
 * Main's side of the IPC contract (src/common/ipc-contract.ts). Every call is
 * checked, in this order, before a handler runs:
 *   1. the channel is one the contract declares (anything else: unknown_channel);
 *   2. the sender is the app's own top-level frame: its URL has the app's
 *      origin and it has no parent frame (an iframe, a remote page, or a frame
 *      that navigated away gets forbidden_sender);
 *   3. the window may call that channel: the quick-join window only its
 *      own three, the main window all but those (forbidden_sender);
 *   4. the payload matches the channel's request schema (bad_request).
 * The handler's answer is validated against the reply schema before it
 * leaves, so a bug can never send the window a field the contract lacks.
 *
 * Takes ipcMain as a parameter (a plain object in tests); never imports Electron.
 */
import * as v from 'valibot';
import {
  invokeChannels,
  isInvokeChannel,
  mayCall,
  windowRoleOfUrl,
  type IpcEnvelope,
  type IpcErrorCode,
  type InvokeChannel,
  type ReplyOf,
} from '../../common/ipc-contract.js';

/** The parts of Electron's IpcMainInvokeEvent the router looks at. */
export interface IpcSenderEvent {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
  readonly sender?: { readonly id: number };
}

/** The part of Electron's ipcMain the router uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface HandlerContext {
  /** webContents id of the sender, when known. */
  readonly senderId: number | undefined;
}

export type Handlers = {
  [C in InvokeChannel]: (
    request: v.InferOutput<(typeof invokeChannels)[C]['request']>,
    context: HandlerContext,
  ) => Promise<ReplyOf<C>> | ReplyOf<C>;
};

/** Thrown by handlers to answer with a specific error code. */
export class IpcError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IpcError';
  }
}

export interface RouterOptions {
  handlers: Handlers;
  /** The app's own origin, e.g. `app://merimeet`. Only frames of this origin may call. */
  appOrigin: string;
  /** Reports refusals and failures (never the payload: it may hold a secret). */
  log?: (entry: { channel: string; code: IpcErrorCode; detail: string }) => void;
}

export interface IpcRouter {
  /** Checks and runs one call; what ipcMain.handle answers. */
  dispatch(channel: unknown, event: IpcSenderEvent, payload: unknown): Promise<IpcEnvelope<unknown>>;
  /** Registers a handler for every declared channel; returns a function that removes them. */
  register(ipcMain: IpcMainLike): () => void;
}

/** The origin of a URL for comparison, or null for opaque/invalid ones. */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // `app://merimeet/…` has an opaque origin for WHATWG URL unless the scheme is
    // special; compare scheme + host explicitly instead of URL.origin.
    if (parsed.host === '') return null;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

export function isTrustedSender(event: IpcSenderEvent, appOrigin: string): boolean {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined) return false; // destroyed or navigated away
  if (frame.parent !== null && frame.parent !== undefined) return false; // subframes never call
  return originOf(frame.url) === appOrigin;
}

export function createIpcRouter(options: RouterOptions): IpcRouter {
  const { handlers, appOrigin, log } = options;

  const refuse = (channel: string, code: IpcErrorCode, message: string, detail = message): IpcEnvelope<never> => {
    log?.({ channel, code, detail });
    return { ok: false, error: { code, message } };
  };

  async function dispatch(channel: unknown, event: IpcSenderEvent, payload: unknown): Promise<IpcEnvelope<unknown>> {
    if (!isInvokeChannel(channel)) {
      return refuse(String(channel).slice(0, 64), 'unknown_channel', 'unknown channel');
    }
    if (!isTrustedSender(event, appOrigin)) {
      return refuse(channel, 'forbidden_sender', 'not allowed from this frame', `frame ${event.senderFrame?.url ?? '(none)'}`);
    }
    // Each window calls its own channels only: the quick-join window cannot read a token, the main window cannot pose as it.
    if (!mayCall(windowRoleOfUrl(event.senderFrame?.url ?? ''), channel)) {
      return refuse(channel, 'forbidden_sender', 'not allowed from this window', `frame ${event.senderFrame?.url ?? '(none)'}`);
    }
    const schemas = invokeChannels[channel];
    const parsed = v.safeParse(schemas.request, payload);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      return refuse(channel, 'bad_request', `invalid request${where ? ` at ${where}` : ''}: ${issue.message}`);
    }
    const handler = handlers[channel] as (request: unknown, context: HandlerContext) => unknown;
    let value: unknown;
    try {
      value = await handler(parsed.output, { senderId: event.sender?.id });
    } catch (err) {
      if (err instanceof IpcError) return refuse(channel, err.code, err.message);
      return refuse(channel, 'failed', 'the request failed', err instanceof Error ? err.message : String(err));
    }
    const reply = v.safeParse(schemas.reply, value);
    if (!reply.success) return refuse(channel, 'failed', 'the request failed', 'reply does not match the contract');
    return { ok: true, value: reply.output };
  }

  return {
    dispatch,
    register(ipcMain) {
      const names = Object.keys(invokeChannels);
      for (const name of names) {
        ipcMain.handle(name, (event, ...args) =>
          // Exactly one argument per call: a second one is a malformed call.
          args.length === 1 ? dispatch(name, event, args[0]) : dispatch(name, event, Symbol('bad arity')),
        );
      }
      return () => {
        for (const name of names) ipcMain.removeHandler(name);
      };
    },
  };
}
