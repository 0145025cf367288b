/**
 * Run as a child process by keychain.test.ts, with whatever environment the
 * test gives it: prints the keychain's status and what happens when a token
 * is stored, as one JSON line.
 */
import { createKeychain, loadKeytar } from '../../../src/main/keychain.js';

const { keytar, loadError } = await loadKeytar();
const keychain = createKeychain(keytar, { service: process.argv[2] ?? 'merimeet-test', ...(loadError ? { loadError } : {}) });
const status = await keychain.status();
let stored: string;
try {
  await keychain.setSessionToken('wss://probe.example/ws', 'A'.repeat(43));
  stored = 'stored';
} catch (err) {
  stored = `${(err as Error).name}: ${(err as Error).message}`;
}
process.stdout.write(`${JSON.stringify({ status, stored })}\n`);
