/**
 * The web client's Content-Security-Policy, declared once: the server sends it
 * as a header (security-headers.ts), and the Vite build writes it into
 * index.html as a <meta> for the desktop window, which has no server in front
 * of it (vite.config.ts). No imports, so the build can load it as it is.
 */
export const CSP_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  // 'wasm-unsafe-eval': compiling WebAssembly (RNNoise, the noise suppressor, one of our own files);
  // it allows no eval() of strings, no inline script and no other origin.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self' wss:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  // Ignored in a <meta> (browsers warn); the header carries it.
  "frame-ancestors 'none'",
];

/** The policy as a <meta http-equiv> may carry it: without the directives only a header can set. */
export const CSP_FOR_META = CSP_DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ');
