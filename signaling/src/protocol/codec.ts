/** Turning frames into checked messages, the same way on both ends. */
import * as v from 'valibot';
import { ClientMessage } from './client-messages.js';
import type { ErrorCode } from './errors.js';
import { ServerMessage } from './server-messages.js';

export type Decoded<T> = { ok: true; message: T } | { ok: false; code: ErrorCode; detail: string; rid?: number };

function decode<S extends v.GenericSchema>(schema: S, text: string): Decoded<v.InferOutput<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_json', detail: 'frame is not valid JSON' };
  }
  const result = v.safeParse(schema, json);
  if (result.success) return { ok: true, message: result.output };
  return { ok: false, code: 'bad_message', detail: describeIssue(result.issues[0]), rid: ridOf(json) };
}

/** Echo the request id even for a bad message, so the client can match the error. */
function ridOf(json: unknown): number | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const rid = (json as { rid?: unknown }).rid;
  return typeof rid === 'number' && Number.isInteger(rid) && rid >= 0 && rid < 2 ** 31 ? rid : undefined;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  // Never echo the received value: it may be a password or a key.
  const text = issue.message.replace(/,? but received .*$/is, '').trim();
  return path ? `${path}: ${text}` : text;
}

export const decodeClientMessage = (text: string) => decode(ClientMessage, text);
export const decodeServerMessage = (text: string) => decode(ServerMessage, text);
