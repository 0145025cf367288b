import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_WEB_ROOT, CliExit, parseCli } from './cli-options.js';
import { DEFAULT_CONFIG } from './config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'merimeet-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The CliExit a bad command line ends in (fails the test if it parses). */
function exitOf(argv: string[], env: NodeJS.ProcessEnv = {}): CliExit {
  try {
    parseCli(argv, env);
  } catch (err) {
    if (err instanceof CliExit) return err;
    throw err;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('parseCli', () => {
  it('gives the documented defaults with no flags and no environment', () => {
    const config = parseCli([], {});
    const { webRoot, ...rest } = config;
    expect(rest).toEqual(DEFAULT_CONFIG);
    // The repo's dist/web when a web client has been built, else nothing.
    expect(webRoot).toBe(existsSync(BUNDLED_WEB_ROOT) ? BUNDLED_WEB_ROOT : undefined);
    expect(BUNDLED_WEB_ROOT).toBe(resolve(import.meta.dirname, '..', '..', 'dist', 'web'));
  });

  it('reads every flag', () => {
    const certPath = join(dir, 'c.pem');
    const config = parseCli(
      [
        '--host', '127.0.0.1',
        '--port', '9443',
        '--data-dir', dir,
        '--cert', certPath,
        '--key', join(dir, 'k.pem'),
        '--behind-proxy',
        '--web-root', dir,
        '--stun-url', 'stun:stun.example.org:3478',
        '--turn-url', 'turn:turn.example.org:3478',
        '--turn-secret', 'shh',
        '--turn-ttl', '600',
        '--grace', '5000',
        '--heartbeat', '2000',
        '--max-connections', '100',
        '--max-connections-per-address', '4',
        '--log-level', 'debug',
      ],
      {},
    );
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 9443,
      dataDir: dir,
      certPath,
      keyPath: join(dir, 'k.pem'),
      behindProxy: true,
      webRoot: dir,
      stunUrls: ['stun:stun.example.org:3478'],
      turnUrls: ['turn:turn.example.org:3478'],
      turnSecret: 'shh',
      turnTtlSeconds: 600,
      graceMs: 5000,
      heartbeatMs: 2000,
      maxConnections: 100,
      maxConnectionsPerAddress: 4,
      logLevel: 'debug',
    });
  });

  it('reads the same settings from MERIMEET_* environment variables', () => {
    const config = parseCli([], {
      MERIMEET_HOST: '::1',
      MERIMEET_PORT: '7000',
      MERIMEET_DATA_DIR: dir,
      MERIMEET_CERT: join(dir, 'c.pem'),
      MERIMEET_KEY: join(dir, 'k.pem'),
      MERIMEET_BEHIND_PROXY: 'true',
      MERIMEET_WEB_ROOT: dir,
      MERIMEET_STUN_URLS: 'stun:a:3478, stun:b:3478',
      MERIMEET_TURN_URLS: 'turn:t:3478,turns:t:5349',
      MERIMEET_TURN_SECRET: 'from-env',
      MERIMEET_TURN_TTL: '120',
      MERIMEET_GRACE_MS: '0',
      MERIMEET_HEARTBEAT_MS: '1000',
      MERIMEET_MAX_CONNECTIONS: '10',
      MERIMEET_MAX_CONNECTIONS_PER_ADDRESS: '0',
      MERIMEET_LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      host: '::1',
      port: 7000,
      dataDir: dir,
      certPath: join(dir, 'c.pem'),
      keyPath: join(dir, 'k.pem'),
      behindProxy: true,
      webRoot: dir,
      stunUrls: ['stun:a:3478', 'stun:b:3478'],
      turnUrls: ['turn:t:3478', 'turns:t:5349'],
      turnSecret: 'from-env',
      turnTtlSeconds: 120,
      graceMs: 0,
      heartbeatMs: 1000,
      maxConnections: 10,
      maxConnectionsPerAddress: 0,
      logLevel: 'warn',
    });
  });

  it('reads the metrics options from flags and from the environment, off by default', () => {
    expect(parseCli([], {})).not.toHaveProperty('metricsPort');
    expect(parseCli([], {})).not.toHaveProperty('metricsToken');
    expect(parseCli(['--metrics-port', '9100', '--metrics-token', 'tok'], {})).toMatchObject({
      metricsPort: 9100,
      metricsHost: '127.0.0.1',
      metricsToken: 'tok',
    });
    expect(
      parseCli([], { MERIMEET_METRICS_PORT: '9101', MERIMEET_METRICS_HOST: '0.0.0.0', MERIMEET_METRICS_TOKEN: 'from-env' }),
    ).toMatchObject({ metricsPort: 9101, metricsHost: '0.0.0.0', metricsToken: 'from-env' });
  });

  it('refuses a metrics listener off loopback without a token (it is plain HTTP)', () => {
    const exit = exitOf(['--metrics-port', '9100', '--metrics-host', '0.0.0.0']);
    expect(exit.exitCode).not.toBe(0);
    expect(exit.output).toMatch(/needs --metrics-token/);
  });

  it('lets a flag win over the environment', () => {
    const config = parseCli(['--port', '1234', '--stun-url', 'stun:flag'], {
      MERIMEET_PORT: '4321',
      MERIMEET_STUN_URLS: 'stun:env',
    });
    expect(config.port).toBe(1234);
    expect(config.stunUrls).toEqual(['stun:flag']);
  });

  it('does not read process.env, only the environment it is given', () => {
    process.env.MERIMEET_PORT = '5555';
    try {
      expect(parseCli([], {}).port).toBe(DEFAULT_CONFIG.port);
    } finally {
      delete process.env.MERIMEET_PORT;
    }
    expect(process.env.MERIMEET_PORT).toBeUndefined();
  });

  it('collects repeated --stun-url and --turn-url in order', () => {
    const config = parseCli(
      ['--stun-url', 'stun:a', '--stun-url', 'stun:b,stun:c', '--turn-url', 'turn:x', '--turn-url', 'turns:y', '--turn-secret', 's'],
      {},
    );
    expect(config.stunUrls).toEqual(['stun:a', 'stun:b', 'stun:c']);
    expect(config.turnUrls).toEqual(['turn:x', 'turns:y']);
  });

  it('treats an empty URL list in the environment as none', () => {
    expect(parseCli([], { MERIMEET_STUN_URLS: '' }).stunUrls).toEqual([]);
  });

  it('resolves relative paths against the working directory', () => {
    expect(parseCli(['--data-dir', 'rel/data'], {}).dataDir).toBe(resolve('rel/data'));
  });

  it.each(['65536', '-1', 'abc', '80.5', '1e3', ''])('refuses --port %j, saying what it wants', (port) => {
    const exit = exitOf(['--port', port]);
    expect(exit.exitCode).not.toBe(0);
    expect(exit.output).toMatch(/--port/);
    expect(exit.output).toMatch(/whole number from 0 to 65535/);
  });

  it('refuses a bad port from the environment too', () => {
    expect(exitOf([], { MERIMEET_PORT: '99999' }).output).toMatch(/0 to 65535/);
  });

  it('refuses --behind-proxy on an address other than loopback', () => {
    const exit = exitOf(['--behind-proxy', '--host', '0.0.0.0']);
    expect(exit.exitCode).not.toBe(0);
    expect(exit.output).toMatch(/behind-proxy.*loopback/);
  });

  it('reads MERIMEET_BEHIND_PROXY=false as off, and refuses nonsense', () => {
    expect(parseCli([], { MERIMEET_BEHIND_PROXY: 'false' }).behindProxy).toBe(false);
    expect(parseCli(['--host', '127.0.0.1'], { MERIMEET_BEHIND_PROXY: '1' }).behindProxy).toBe(true);
    expect(exitOf([], { MERIMEET_BEHIND_PROXY: 'maybe' }).output).toMatch(/MERIMEET_BEHIND_PROXY/);
  });

  it('refuses --turn-url without --turn-secret', () => {
    const exit = exitOf(['--turn-url', 'turn:t:3478']);
    expect(exit.exitCode).not.toBe(0);
    expect(exit.output).toMatch(/--turn-secret/);
  });

  it('refuses URLs of the wrong kind', () => {
    expect(exitOf(['--stun-url', 'turn:t']).output).toMatch(/stun:host:port/);
    expect(exitOf(['--turn-url', 'https://t', '--turn-secret', 's']).output).toMatch(/turn:host:port/);
    expect(exitOf(['--stun-url', 'stun.example.org']).output).toMatch(/stun:host:port/);
    // Janus's API is a WebSocket: the example shows its URL as it is written.
    expect(exitOf(['--sfu-url', 'http://127.0.0.1:8188/janus']).output).toMatch(/should look like ws:\/\/127\.0\.0\.1:8188 \(schemes: ws, wss, ws\+unix\)/);
  });

  it('selects PostgreSQL with --store or MERIMEET_STORE, and SQLite without', () => {
    expect(parseCli([], {}).storeUrl).toBeUndefined();
    const url = 'postgres://merimeet:secret@db.internal:5432/merimeet';
    expect(parseCli(['--store', url], {}).storeUrl).toBe(url);
    expect(parseCli([], { MERIMEET_STORE: url }).storeUrl).toBe(url);
    expect(parseCli([], { MERIMEET_STORE: 'postgresql:///merimeet?host=/run/postgresql' }).storeUrl).toBe(
      'postgresql:///merimeet?host=/run/postgresql',
    );
  });

  it('refuses a --store that is not a PostgreSQL URL, saying what it expects', () => {
    expect(exitOf(['--store', 'sqlite:///tmp/x.db']).output).toMatch(/only postgres:\/\/ URLs/);
    expect(exitOf(['--store', 'not a url']).output).toMatch(/postgres:\/\/user:password@host:5432\/database/);
    expect(exitOf(['--store', 'postgres:///merimeet']).output).toMatch(/names no host/);
  });

  it('reads --nats and MERIMEET_NATS, needs a shared store with it, and refuses other schemes', () => {
    const store = ['--store', 'postgres://db/merimeet'];
    expect(parseCli([...store, '--nats', 'nats://a:4222, nats://b:4222'], {}).natsUrl).toBe('nats://a:4222,nats://b:4222');
    expect(parseCli(store, { MERIMEET_NATS: 'tls://n:4222' }).natsUrl).toBe('tls://n:4222');
    expect(exitOf(['--nats', 'nats://a:4222']).output).toMatch(/give --store postgres/);
    const refused = exitOf([...store, '--nats', 'http://user:pw@a:4222']).output;
    expect(refused).toMatch(/should look like nats:\/\/host:4222/);
    expect(refused).not.toContain('pw'); // the password stays out of the message
  });

  it('refuses --cert without --key', () => {
    expect(exitOf(['--cert', join(dir, 'c.pem')]).output).toMatch(/--cert and --key go together/);
  });

  it('refuses a --web-root that is not a directory', () => {
    expect(exitOf(['--web-root', join(dir, 'missing')]).output).toMatch(/not a directory/);
  });

  it('refuses an unknown log level, listing the choices', () => {
    expect(exitOf(['--log-level', 'loud']).output).toMatch(/Allowed choices are fatal, error, warn, info, debug, trace, silent/);
  });

  it('refuses unknown flags and stray arguments', () => {
    expect(exitOf(['--prot', '1']).output).toMatch(/unknown option '--prot'/);
    expect(exitOf(['serve']).exitCode).not.toBe(0);
  });

  it('answers --help with a description, every option with its env var, and examples, exiting 0', () => {
    const exit = exitOf(['--help']);
    expect(exit.exitCode).toBe(0);
    expect(exit.output).toMatch(/Runs the meriMeet signaling server/);
    expect(exit.output).toMatch(/Examples:/);
    for (const env of ['MERIMEET_HOST', 'MERIMEET_PORT', 'MERIMEET_DATA_DIR', 'MERIMEET_CERT', 'MERIMEET_KEY', 'MERIMEET_BEHIND_PROXY',
      'MERIMEET_WEB_ROOT', 'MERIMEET_STUN_URLS', 'MERIMEET_TURN_URLS', 'MERIMEET_TURN_SECRET',
      'MERIMEET_METRICS_PORT', 'MERIMEET_METRICS_HOST', 'MERIMEET_METRICS_TOKEN', 'MERIMEET_STORE', 'MERIMEET_NATS',
      'MERIMEET_SFU_URLS', 'MERIMEET_SFU_SECRET', 'MERIMEET_MESH_LIMIT']) {
      expect(exit.output.replace(/\s+/g, " ")).toContain(`env: ${env}`);
    }
  });

  it('reads the SFU flags (repeatable --sfu-url, ws+unix included) and their env vars, and refuses what cannot work', () => {
    const flags = parseCli(['--sfu-url', 'ws://127.0.0.1:8188', '--sfu-url', 'ws+unix:///run/janus/api.sock:/', '--sfu-secret', 's', '--mesh-limit', '6'], {});
    expect(flags).toMatchObject({ sfuUrls: ['ws://127.0.0.1:8188', 'ws+unix:///run/janus/api.sock:/'], sfuSecret: 's', meshLimit: 6 });
    const env = parseCli([], { MERIMEET_SFU_URLS: 'ws://a:1,ws://b:2', MERIMEET_SFU_SECRET: 'e', MERIMEET_MESH_LIMIT: '5' });
    expect(env).toMatchObject({ sfuUrls: ['ws://a:1', 'ws://b:2'], sfuSecret: 'e', meshLimit: 5 });
    expect(parseCli([], {}).meshLimit).toBe(4);
    expect(exitOf(['--sfu-url', 'http://127.0.0.1:8088']).output).toMatch(/ws, wss, ws\+unix/);
    expect(exitOf(['--sfu-secret', 's']).output).toMatch(/--sfu-secret needs --sfu-url/);
    expect(exitOf(['--mesh-limit', '1']).output).toMatch(/from 2 to 32/);
  });

  it('answers --version with the package version', () => {
    const exit = exitOf(['--version']);
    expect(exit.exitCode).toBe(0);
    expect(exit.output.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
