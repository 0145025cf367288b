/**
 * Where the app starts, and invites that arrive later: the route in the
 * address bar (its password stripped from the bar at once), or the call this
 * tab was in before a reload.
 */
import { useEffect } from 'preact/hooks';
import { clearActiveCall, loadActiveCall, type ActiveCall } from '../active-call.js';
import { routeFromHash, stripPasswordFromAddressBar, type Route } from '../routes.js';

/** The call this tab was in before a reload, unless the address bar now asks for another meeting. */
function callToRejoin(route: Route): ActiveCall | null {
  const active = loadActiveCall();
  if (!active) return null;
  const asked = route.name === 'home' ? route.prefillId : 'meetingId' in route ? route.meetingId : undefined;
  if (asked !== undefined && asked !== active.meetingId) {
    clearActiveCall();
    return null;
  }
  return active;
}

export function initialRoute(): { route: Route; rejoin: ActiveCall | null } {
  const fromHash = routeFromHash(location.hash);
  if (location.hash !== '') stripPasswordFromAddressBar(fromHash.name === 'home' ? fromHash.prefillId : 'meetingId' in fromHash ? fromHash.meetingId : undefined);
  const rejoin = callToRejoin(fromHash);
  if (!rejoin) return { route: fromHash, rejoin: null };
  return { route: { name: 'prejoin', meetingId: rejoin.meetingId, password: rejoin.password }, rejoin };
}

/** An invite pasted into the address bar of an open tab (never during a call). */
export function useInvitesFromAddressBar(setRoute: (update: (current: Route) => Route) => void): void {
  useEffect(() => {
    const onHash = () => {
      const next = routeFromHash(location.hash);
      if (next.name !== 'prejoin') return;
      stripPasswordFromAddressBar(next.meetingId);
      setRoute((current) => (current.name === 'meeting' ? current : next));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [setRoute]);
}
