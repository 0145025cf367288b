/**
 * Parsers of command-line values shared by every option group: each throws
 * commander's InvalidArgumentError saying what was expected.
 */
import { InvalidArgumentError } from 'commander';

export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const trimmed = value.trim();
    const n = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty.');
  return value.trim();
}

/** A repeatable URL option: each use (or each comma-separated item of the env var) adds to the list. */
export function urls(example: string, ...schemes: string[]): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => {
    const added = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    for (const url of added) {
      const scheme = /^([a-z+]+):./i.exec(url)?.[1]?.toLowerCase();
      if (scheme === undefined || !schemes.includes(scheme)) {
        throw new InvalidArgumentError(`'${url}' should look like ${example} (schemes: ${schemes.join(', ')}).`);
      }
    }
    // An empty value (MERIMEET_STUN_URLS= in a compose file) means "none", not an error.
    return [...(previous ?? []), ...added];
  };
}
