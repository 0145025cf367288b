/**
 * ICE servers handed to a participant on admission. TURN credentials follow
 * the TURN REST API (draft-uberti-behave-turn-rest, coturn `use-auth-secret`):
 * the relay and this server share a secret, so the relay can check a
 * credential without asking us, and a leaked credential dies on its own.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../protocol/index.js';

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret?: string;
  turnTtlSeconds: number;
}

export function iceServersFor(cfg: IceConfig, userId: string, nowMs: number): IceServer[] {
  const servers: IceServer[] = [];
  if (cfg.stunUrls.length > 0) servers.push({ urls: [...cfg.stunUrls] });
  // Config validation refuses TURN without a secret; were it ever missing, a TURN
  // entry without credentials would only make every client fail on it, so leave it out.
  if (cfg.turnUrls.length > 0 && cfg.turnSecret) {
    const expiry = Math.floor(nowMs / 1000) + cfg.turnTtlSeconds;
    // coturn reads the expiry up to the first ':'; the rest names the user in its logs.
    const username = `${expiry}:${userId}`;
    const credential = createHmac('sha1', cfg.turnSecret).update(username).digest('base64');
    servers.push({ urls: [...cfg.turnUrls], username, credential });
  }
  return servers;
}
