#!/usr/bin/env node
/**
 * `merimeet-signaling`: parse flags and environment, start the server, and
 * drain it gracefully on SIGTERM/SIGINT (a second signal gives up waiting).
 */
import { CliExit, parseCli } from './cli-options.js';
import type { ServerConfig } from './config.js';
import type { RunningServer } from './server.js';

let config: ServerConfig;
try {
  config = parseCli(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof CliExit)) throw err;
  (err.exitCode === 0 ? process.stdout : process.stderr).write(err.output);
  process.exit(err.exitCode);
}

let server: RunningServer;
try {
  // Loaded only after the flags are known good, so --help stays instant and needs no database or TLS.
  const { startServer } = await import('./server.js');
  server = await startServer(config);
} catch (err) {
  process.stderr.write(`merimeet-signaling: could not start: ${(err as Error).message}\n`);
  process.exit(1);
}

const trust = server.fingerprint256 ? `certificate SHA-256 ${server.fingerprint256}` : 'TLS is the reverse proxy’s job';
process.stderr.write(`meriMeet signaling on ${server.url}  ${trust}\n`);

let stopping = false;
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    process.stderr.write(`${signal} again: stopping now, without waiting for clients\n`);
    process.exit(1);
  }
  stopping = true;
  process.stderr.write(`${signal}: telling clients to reconnect elsewhere, then stopping (send again to force)\n`);
  server.shutdown().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`merimeet-signaling: shutdown failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
