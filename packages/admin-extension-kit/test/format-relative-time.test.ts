import { describe, expect, it } from 'vitest';
import { formatRelativeTime } from '../src/format-relative-time.ts';

const now = new Date('2026-11-22T12:00:00.000Z');
const ago = (seconds: number): Date => new Date(now.getTime() - seconds * 1000);

describe('formatRelativeTime', () => {
  it.each([
    [0, 'now'],
    [30, '30 seconds ago'],
    [5 * 60, '5 minutes ago'],
    [3 * 3600, '3 hours ago'],
    [24 * 3600, 'yesterday'],
    [3 * 86400, '3 days ago'],
    [14 * 86400, '2 weeks ago'],
    [90 * 86400, '3 months ago'],
    [800 * 86400, '2 years ago'],
  ])('en: %i seconds ago reads %j', (seconds, expected) => {
    expect(formatRelativeTime(ago(seconds), now, 'en')).toBe(expected);
  });

  it('fr: uses French wording', () => {
    expect(formatRelativeTime(ago(3 * 3600), now, 'fr')).toBe('il y a 3 heures');
    expect(formatRelativeTime(ago(86400), now, 'fr')).toBe('hier');
  });

  it('reads a time slightly in the future (clock skew) as upcoming, not as a negative past', () => {
    expect(formatRelativeTime(new Date(now.getTime() + 120_000), now, 'en')).toBe('in 2 minutes');
  });
});
