/**
 * The one sink for failures that nobody can act on at the moment they
 * happen (a sender parameter refused during a renegotiation, a stats read on
 * a closing connection). Each is logged with its scope and counted, so they
 * are never silent and a test or the bench can ask how often they happened.
 * Failures a person can act on go into CallState instead (warning, error).
 *
 * Logged with the error only: the scopes and errors here never carry keys,
 * passwords or message contents.
 */
const counts = new Map<string, number>();

export function reportFailure(scope: string, err: unknown): void {
  counts.set(scope, (counts.get(scope) ?? 0) + 1);
  console.warn(`meriMeet: ${scope} failed`, err);
}

/** A `.catch` handler that reports under `scope`: `promise.catch(reportAs('…'))`. */
export const reportAs =
  (scope: string) =>
  (err: unknown): void =>
    reportFailure(scope, err);

/** How many failures each scope has had since the page loaded (or since the last reset). */
export function failureCounts(): ReadonlyMap<string, number> {
  return new Map(counts);
}

export function resetFailureCounts(): void {
  counts.clear();
}
