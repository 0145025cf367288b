import { describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES, CSP_FOR_META } from './content-security-policy.js';

describe('the web client CSP', () => {
  it("allows scripts from our own origin and WebAssembly compilation ('wasm-unsafe-eval'), nothing more", () => {
    expect(CSP_DIRECTIVES.filter((d) => d.startsWith('script-src'))).toEqual(["script-src 'self' 'wasm-unsafe-eval'"]);
    const rest = CSP_DIRECTIVES.join('; ').replace("'wasm-unsafe-eval'", '');
    expect(rest).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic|\*/);
    expect(CSP_FOR_META).toContain("script-src 'self' 'wasm-unsafe-eval'");
  });
});
