/**
 * Headers every response carries, whatever it is. The CSP is the web client's
 * second line against hostile chat text or file names: even if one slipped
 * into the DOM as markup, no inline or foreign script could run.
 */
import type { ServerResponse } from 'node:http';
import { CSP_DIRECTIVES } from './content-security-policy.js';

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // The server only ever speaks https (or sits behind a proxy that does).
  'Strict-Transport-Security': 'max-age=31536000',
  'X-Content-Type-Options': 'nosniff',
  // The client's URLs may name a meeting; never hand them to another site.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self)',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
