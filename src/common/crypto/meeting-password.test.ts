import { describe, expect, it } from 'vitest';
import {
  MEETING_PASSWORD_ALPHABET,
  MEETING_PASSWORD_BITS,
  MEETING_PASSWORD_LENGTH,
  generateMeetingPassword,
  isPlausibleMeetingPassword,
  normalizeMeetingPassword,
  type RandomBytesSource,
} from './meeting-password.js';

const ALPHABET_SIZE = MEETING_PASSWORD_ALPHABET.length;

/** A fake getRandomValues that hands out `bytes` in order, then zeros, and records request sizes. */
function scriptedSource(bytes: number[]): { source: RandomBytesSource; requests: number[] } {
  const queue = [...bytes];
  const requests: number[] = [];
  const source: RandomBytesSource = (array) => {
    requests.push(array.length);
    for (let i = 0; i < array.length; i++) array[i] = queue.shift() ?? 0;
    return array;
  };
  return { source, requests };
}

describe('meeting password constants', () => {
  it('has a 55-symbol alphabet without look-alikes or duplicates', () => {
    expect(ALPHABET_SIZE).toBe(55);
    expect(new Set(MEETING_PASSWORD_ALPHABET).size).toBe(55);
    expect(MEETING_PASSWORD_ALPHABET).toMatch(/^[A-Za-z0-9]+$/);
    for (const lookAlike of '01ilIoO') expect(MEETING_PASSWORD_ALPHABET).not.toContain(lookAlike);
  });

  it('gives at least 57 bits of entropy', () => {
    expect(MEETING_PASSWORD_LENGTH).toBe(10);
    expect(MEETING_PASSWORD_BITS).toBeCloseTo(10 * Math.log2(55), 10);
    expect(MEETING_PASSWORD_BITS).toBeGreaterThanOrEqual(57);
  });
});

describe('generateMeetingPassword', () => {
  it('draws 10 alphabet characters every time', () => {
    for (let i = 0; i < 2_000; i++) {
      const password = generateMeetingPassword();
      expect(password).toHaveLength(MEETING_PASSWORD_LENGTH);
      for (const char of password) expect(MEETING_PASSWORD_ALPHABET).toContain(char);
      expect(isPlausibleMeetingPassword(password)).toBe(true);
    }
  });

  it('is roughly uniform over the alphabet, with every character appearing (chi-square)', () => {
    // 5,500 passwords = 55,000 characters, 1,000 expected per symbol.
    const counts = new Map<string, number>();
    const draws = 5_500;
    for (let i = 0; i < draws; i++) {
      for (const char of generateMeetingPassword()) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...MEETING_PASSWORD_ALPHABET].sort());
    const expected = (draws * MEETING_PASSWORD_LENGTH) / ALPHABET_SIZE;
    let chiSquare = 0;
    for (const char of MEETING_PASSWORD_ALPHABET) chiSquare += ((counts.get(char) ?? 0) - expected) ** 2 / expected;
    // 54 degrees of freedom: mean 54, sd ≈ 10.4; P(χ² > 120) ≈ 1e-6, so a fair
    // generator essentially never fails. Plain `byte % 55` (modulo bias: the
    // first 36 symbols 5/256 likely, the rest 4/256) gives χ² ≈ 575 and fails.
    expect(chiSquare).toBeLessThan(120);
  });

  it('differs from draw to draw', () => {
    const seen = new Set(Array.from({ length: 1_000 }, () => generateMeetingPassword()));
    expect(seen.size).toBe(1_000);
  });

  it('maps accepted bytes by byte mod 55 and skips bytes >= 220 (rejection sampling)', () => {
    // 220 = 4 × 55 is the first rejected byte; 219 is the last accepted one.
    const bytes = [220, 255, 0, 221, 1, 54, 219, 239, 55, 110, 165, 2, 3, 4];
    const accepted = bytes.filter((b) => b < 220);
    const { source, requests } = scriptedSource(bytes);
    const password = generateMeetingPassword(source);
    expect(password).toBe(accepted.map((b) => MEETING_PASSWORD_ALPHABET[b % 55]).join(''));
    expect(password).toBe('23ZZ222456');
    // The rejected bytes forced a refill.
    expect(requests.length).toBeGreaterThan(1);
  });

  it('never turns a rejected byte into a character', () => {
    // Only rejected bytes first: a biased implementation would emit '2'..'Y' for 220..255.
    const { source } = scriptedSource([...Array.from({ length: 36 }, (_, i) => 220 + i), ...Array(10).fill(7)]);
    expect(generateMeetingPassword(source)).toBe(MEETING_PASSWORD_ALPHABET[7]!.repeat(10));
  });

  it('fails instead of looping forever when the source only yields rejected bytes', () => {
    const stuck: RandomBytesSource = (array) => array.fill(0xff);
    expect(() => generateMeetingPassword(stuck)).toThrow(/random source/);
  });
});

describe('normalizeMeetingPassword / isPlausibleMeetingPassword', () => {
  it('trims surrounding whitespace and nothing else, keeping case', () => {
    expect(normalizeMeetingPassword('  k7Qm2xRt9P\n')).toBe('k7Qm2xRt9P');
    expect(normalizeMeetingPassword('\tAbC')).toBe('AbC');
    expect(normalizeMeetingPassword('ab cd')).toBe('ab cd');
  });

  it('accepts only 10 alphabet characters after trimming', () => {
    expect(isPlausibleMeetingPassword('k7Qm2xRt9P')).toBe(true);
    expect(isPlausibleMeetingPassword(' k7Qm2xRt9P ')).toBe(true);
    expect(isPlausibleMeetingPassword('k7Qm2xRt9')).toBe(false); // too short
    expect(isPlausibleMeetingPassword('k7Qm2xRt9PP')).toBe(false); // too long
    expect(isPlausibleMeetingPassword('k7Qm2xRt90')).toBe(false); // 0 is not in the alphabet
    expect(isPlausibleMeetingPassword('k7Qm2xRtlP')).toBe(false); // l
    expect(isPlausibleMeetingPassword('k7Qm xRt9P')).toBe(false); // inner space
    expect(isPlausibleMeetingPassword('k7Qm2xRt9é')).toBe(false);
    expect(isPlausibleMeetingPassword('')).toBe(false);
  });
});
