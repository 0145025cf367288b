/**
 * A private two-namespace network for a test: one namespace for the SFU, one
 * for its clients, joined by a veth pair on a random 10.x.y.0/24. Janus skips
 * loopback interfaces when it gathers ICE candidates, so media needs a real
 * (virtual) link; neither namespace has a default route, so nothing sent on it
 * can leave the machine. Needs root (the tests run as root, like CI).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

export interface VethNetwork {
  /** Namespace Janus runs in; its end of the pair has `sfuAddress`. */
  sfuNamespace: string;
  sfuAddress: string;
  /** Namespace for the clients (a browser); its end has `clientAddress`. null: the test's own namespace. */
  clientNamespace: string | null;
  clientAddress: string;
  /** Deletes both namespaces (which destroys the veth pair). Safe to call twice. */
  remove(): void;
}

const live = new Set<VethNetwork>();
// A test that throws before its afterAll, or a runner that exits early, must
// not leave namespaces behind on a shared machine.
process.once('exit', () => {
  for (const network of live) network.remove();
});

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface VethOptions {
  /**
   * Keep the clients' end in this process's own namespace (the e2e suite's
   * loopback-only one, where its browsers and signaling server already are),
   * instead of a namespace of its own.
   */
  clientsHere?: boolean;
}

export function createVethNetwork(options: VethOptions = {}): VethNetwork {
  const tag = randomBytes(3).toString('hex');
  // Interface names are at most 15 bytes; namespace names are free-form.
  const sfuNamespace = `mm-sfu-${tag}`;
  const clientNamespace = options.clientsHere ? null : `mm-cli-${tag}`;
  const sfuLink = `mms${tag}`;
  const clientLink = `mmc${tag}`;
  // 10.64.0.0–10.254.255.0: away from the 10.0.x.y that container hosts tend to use.
  const subnet = `10.${randomInt(64, 255)}.${randomInt(0, 256)}`;
  const sfuAddress = `${subnet}.1`;
  const clientAddress = `${subnet}.2`;
  let removed = false;
  const network: VethNetwork = {
    sfuNamespace,
    sfuAddress,
    clientNamespace,
    clientAddress,
    remove() {
      if (removed) return;
      removed = true;
      live.delete(network);
      // Deleting the SFU's namespace destroys the pair, our end too when it is here.
      for (const ns of clientNamespace === null ? [sfuNamespace] : [sfuNamespace, clientNamespace]) {
        try {
          ip('netns', 'del', ns);
        } catch (error) {
          // Half-built networks are removed too; one that is already gone is not an error.
          if (!String((error as { stderr?: unknown }).stderr).includes('No such file')) throw error;
        }
      }
    },
  };
  live.add(network);
  try {
    ip('netns', 'add', sfuNamespace);
    if (clientNamespace !== null) ip('netns', 'add', clientNamespace);
    ip('link', 'add', sfuLink, 'type', 'veth', 'peer', 'name', clientLink);
    ip('link', 'set', sfuLink, 'netns', sfuNamespace);
    if (clientNamespace !== null) ip('link', 'set', clientLink, 'netns', clientNamespace);
    const inNs = (ns: string | null, ...args: string[]) => (ns === null ? ip(...args) : ip('-n', ns, ...args));
    inNs(sfuNamespace, 'addr', 'add', `${sfuAddress}/24`, 'dev', sfuLink);
    inNs(clientNamespace, 'addr', 'add', `${clientAddress}/24`, 'dev', clientLink);
    for (const [ns, link] of [
      [sfuNamespace, sfuLink],
      [clientNamespace, clientLink],
    ] as const) {
      inNs(ns, 'link', 'set', link, 'up');
      inNs(ns, 'link', 'set', 'lo', 'up');
    }
  } catch (error) {
    network.remove();
    throw error;
  }
  return network;
}

/** Whether a namespace of that name exists (tests check that cleanup happened). */
export function namespaceExists(name: string): boolean {
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return list.split('\n').some((line) => line.split(' ')[0] === name);
}
