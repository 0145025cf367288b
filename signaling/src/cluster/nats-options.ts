/**
 * From `--nats` to what the NATS client needs. The client (nats 2.x) ignores
 * credentials written in a server URL (`nats://user:password@host`): they
 * are taken out here and given to it as its `user`/`pass` (or, a user with no
 * password, `token`) options. Several servers of one NATS cluster share one
 * set of credentials. A `tls://` server makes TLS required, so a server (or
 * someone in the middle) that offers none is refused rather than spoken to in
 * clear.
 */
import type { ConnectionOptions } from 'nats';

export type NatsConnectOptions = Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'token' | 'tls'> & { servers: string[] };

export function natsConnectOptions(url: string): NatsConnectOptions {
  const servers: string[] = [];
  const credentials = new Set<string>();
  let user: string | undefined;
  let pass: string | undefined;
  let tls = false;
  for (const server of url.split(',').map((s) => s.trim())) {
    const scheme = server.slice(0, server.indexOf('://'));
    // WHATWG URL parsing decodes nothing for unknown schemes' authority; parse it as http to read user and password.
    const parsed = new URL(`http${server.slice(scheme.length)}`);
    const u = decodeURIComponent(parsed.username);
    const p = decodeURIComponent(parsed.password);
    credentials.add(`${u}\u0000${p}`);
    user = u === '' ? undefined : u;
    pass = p === '' ? undefined : p;
    if (scheme === 'tls') tls = true;
    servers.push(`${scheme}://${parsed.host}`);
  }
  if (credentials.size > 1) throw new Error('--nats: the servers of one NATS cluster take the same user and password; the URLs name different ones');
  const auth = user === undefined ? {} : pass === undefined ? { token: user } : { user, pass };
  return { servers, ...auth, ...(tls ? { tls: {} } : {}) };
}
