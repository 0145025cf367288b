import type { PeerInfo, ServerMessage } from '../protocol/index.js';

/** Where a room sends a member's messages: the member's current connection. */
export interface Outlet {
  send(message: ServerMessage): void;
  /** The room no longer holds this member on this outlet (left, removed, replaced, ended). */
  release(): void;
}

/** Messages kept for a member whose connection dropped, until it resumes. */
export const MAX_OUTBOX = 256;

export interface Member {
  readonly peerId: string;
  readonly accountId: number | null;
  /** Ties resume tokens to this membership; a new join gets a new nonce. */
  readonly nonce: string;
  /** When this membership began (its join), epoch ms; a resume keeps the original. */
  readonly joinedAt: number;
  /** The client address it joined from (client-address.ts), for removal bans. */
  readonly address: string;
  displayName: string;
  muted: boolean;
  videoOff: boolean;
  handRaised: boolean;
  /** null while the member is away (socket dropped, grace period running). */
  outlet: Outlet | null;
  awayTimer?: ReturnType<typeof setTimeout>;
  outbox: ServerMessage[];
}

export function peerInfo(m: Member): PeerInfo {
  return { peerId: m.peerId, displayName: m.displayName, muted: m.muted, videoOff: m.videoOff, handRaised: m.handRaised };
}
