const UNITS: ReadonlyArray<{ unit: Intl.RelativeTimeFormatUnit; seconds: number; below: number }> = [
  { unit: 'second', seconds: 1, below: 60 },
  { unit: 'minute', seconds: 60, below: 60 * 60 },
  { unit: 'hour', seconds: 60 * 60, below: 24 * 60 * 60 },
  { unit: 'day', seconds: 24 * 60 * 60, below: 7 * 24 * 60 * 60 },
  { unit: 'week', seconds: 7 * 24 * 60 * 60, below: 30 * 24 * 60 * 60 },
  { unit: 'month', seconds: 30 * 24 * 60 * 60, below: 365 * 24 * 60 * 60 },
  { unit: 'year', seconds: 365 * 24 * 60 * 60, below: Number.POSITIVE_INFINITY },
];

/** "3 hours ago" / "il y a 3 heures", in the locale given; future times (clock skew) read "in …". */
export function formatRelativeTime(at: Date, now: Date, locale: string): string {
  const diffSeconds = (at.getTime() - now.getTime()) / 1000;
  const abs = Math.abs(diffSeconds);
  const scale = UNITS.find((u) => abs < u.below) ?? UNITS[UNITS.length - 1]!;
  const value = Math.round(diffSeconds / scale.seconds);
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(value === 0 ? 0 : value, scale.unit);
}
