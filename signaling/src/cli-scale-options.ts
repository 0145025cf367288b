/**
 * The options for running at scale: the SFU of large meetings (--sfu-url,
 * --sfu-secret, --mesh-limit) and the shared store and bus of a cluster
 * (--store, --nats), with the checks of their URLs. Kept apart from
 * cli-options.ts, which builds the whole program and reads it back.
 */
import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG } from './config.js';
import { integer, nonEmpty, urls } from './cli-values.js';

/** The media server for meetings past the mesh limit (Janus, driven by this server only). */
export function addSfuOptions(program: Command): Command {
  const d = DEFAULT_CONFIG;
  return program
    .addOption(
      new Option(
        '--sfu-url <url>',
        'Janus API of a media server for meetings past --mesh-limit, e.g. ws://127.0.0.1:8188 or ws+unix:///run/janus/api.sock:/ (repeatable: new meetings go to the least loaded; comma-separated in the env var)',
      )
        .env('MERIMEET_SFU_URLS')
        .argParser(urls('ws://127.0.0.1:8188', 'ws', 'wss', 'ws+unix')),
    )
    .addOption(
      new Option('--sfu-secret <secret>', "Janus's api_secret (prefer the env var: flags show up in ps)").env('MERIMEET_SFU_SECRET').argParser(nonEmpty),
    )
    .addOption(
      new Option('--mesh-limit <n>', 'most people in a peer-to-peer mesh; one more moves the meeting to the SFU, if --sfu-url is set')
        .env('MERIMEET_MESH_LIMIT')
        .default(d.meshLimit)
        .argParser(integer(2, 32)),
    );
}

/** --store: the shared PostgreSQL of a cluster. */
export function storeOption(): Option {
  return (
    new Option(
      '--store <url>',
      'keep accounts, sessions and meetings in PostgreSQL (postgres://user:password@host:5432/db) instead of the SQLite file in --data-dir; every instance of a cluster points at the same one (prefer the env var: flags show up in ps)',
    )
      .env('MERIMEET_STORE')
      // checked in toConfig: commander's own message would echo the URL, password and all
      .argParser(nonEmpty)
  );
}

/** --nats: the link between the instances of a cluster. */
export function natsOption(): Option {
  return (
    new Option(
      '--nats <url>',
      'share throttles, removal bans and meetings with the other instances of a cluster through NATS (nats://user:password@host:4222, tls:// to require TLS, comma-separated for several); NATS must ask for credentials only the instances know; needs --store',
    )
      .env('MERIMEET_NATS')
      // checked in toConfig, as --store
      .argParser(nonEmpty)
  );
}

/**
 * Only PostgreSQL URLs: SQLite needs no URL (it lives in --data-dir). The
 * messages never repeat the URL: it may carry a password.
 */
export function storeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('--store expects a URL like postgres://user:password@host:5432/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`--store: only postgres:// URLs are supported (got ${parsed.protocol}//…); leave it out for SQLite in --data-dir`);
  }
  if (!parsed.hostname && !parsed.searchParams.has('host')) throw new Error('--store: the URL names no host');
  return url;
}

export function natsUrl(value: string): string {
  const servers = value.split(',').map((s) => s.trim());
  for (const server of servers) {
    if (!/^(nats|tls):\/\/[^\s/]+$/.test(server)) {
      throw new Error(`--nats: '${server.replace(/\/\/[^@/]*@/, '//***@')}' should look like nats://host:4222 (or tls://host:4222)`);
    }
  }
  return servers.join(',');
}
