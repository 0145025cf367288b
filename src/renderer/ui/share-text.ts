/**
 * What the screen-sharing status says (docs/ui-contract.md, "Screen
 * sharing"), and whose share takes the stage.
 */
import type { CallState, Participant } from '../engine/call-state.js';

/** People whose shared screen has arrived, in the order they joined. */
export function presenters(state: Pick<CallState, 'peers'>): Participant[] {
  return state.peers.filter((p) => p.screen !== null);
}

/** "You are sharing your screen." and/or "NAME is sharing their screen." for each presenter; empty when nobody shares. */
export function sharingText(youShare: boolean, sharing: readonly Pick<Participant, 'displayName'>[]): string {
  const parts: string[] = [];
  if (youShare) parts.push('You are sharing your screen.');
  for (const p of sharing) parts.push(`${p.displayName} is sharing their screen.`);
  return parts.join(' ');
}
