/**
 * Statement periods in the store's own time zone: a monthly period closes at the end of its close
 * day (local midnight), whatever UTC says. Pure date arithmetic on `YYYY-MM-DD` strings plus the
 * Intl time-zone data, so no date library is needed.
 */

/** Day of the month a period ends on (1–28), or the month's last day. */
export type CloseDay = number | 'last';

export type StatementPeriod = {
  /** First local day of the period, `YYYY-MM-DD`. */
  start: string;
  /** Last local day of the period, `YYYY-MM-DD`. */
  end: string;
  /** The instant the period starts (local midnight of `start`). */
  startsAt: Date;
  /** The instant it closes (local midnight after `end`): exclusive. */
  endsAt: Date;
  timeZone: string;
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function parts(date: string): { y: number; m: number; d: number } {
  const match = DATE.exec(date);
  if (!match) throw new RangeError(`Expected a date such as 2026-10-31, got "${date}"`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const format = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function addDays(date: string, days: number): string {
  const { y, m, d } = parts(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock time of an instant, as if it were UTC (ms). */
function wallClockMs(instant: number, timeZone: string): number {
  const values: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  return Date.UTC(values.year!, values.month! - 1, values.day!, values.hour!, values.minute!, values.second!);
}

/** The local calendar date of an instant in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): string {
  const t = new Date(wallClockMs(instant.getTime(), timeZone));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/**
 * The instant local midnight starts `date` in `timeZone`. Where a DST change skips midnight (a few
 * zones switch at 00:00), the first instant of that day.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const { y, m, d } = parts(date);
  const wanted = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the first guess may differ from the offset at the answer (DST).
  let guess = wanted - (wallClockMs(wanted, timeZone) - wanted);
  guess = wanted - (wallClockMs(guess, timeZone) - guess);
  // A skipped midnight lands in the previous day: move forward to the day's first local hour.
  while (localDateOf(new Date(guess), timeZone) < date) guess += 3_600_000;
  return new Date(guess);
}

/** The close date of the period that ends in month `m` of year `y`. */
function closeDateIn(y: number, m: number, closeDay: CloseDay): string {
  return format(y, m, closeDay === 'last' ? daysInMonth(y, m) : closeDay);
}

/** The close date one month before `end` (its period's start is the day after it). */
function previousCloseDate(end: string, closeDay: CloseDay): string {
  const { y, m } = parts(end);
  return m === 1 ? closeDateIn(y - 1, 12, closeDay) : closeDateIn(y, m - 1, closeDay);
}

/** The monthly period that ends on `end` (a close date for `closeDay`). */
export function periodEndingOn(end: string, timeZone: string, closeDay: CloseDay): StatementPeriod {
  const { y, m } = parts(end);
  if (closeDateIn(y, m, closeDay) !== end) {
    throw new RangeError(`${end} is not a close date for close day ${closeDay}`);
  }
  const start = addDays(previousCloseDate(end, closeDay), 1);
  return { start, end, startsAt: startOfLocalDay(start, timeZone), endsAt: startOfLocalDay(addDays(end, 1), timeZone), timeZone };
}

/** The most recent monthly period that has closed at `now` in `timeZone`. */
export function latestClosedPeriod(now: Date, timeZone: string, closeDay: CloseDay): StatementPeriod {
  const today = localDateOf(now, timeZone);
  const { y, m } = parts(today);
  // A period closes at the end of its close day, so this month's close counts only once it is past.
  const thisMonth = closeDateIn(y, m, closeDay);
  const end = thisMonth < today ? thisMonth : previousCloseDate(thisMonth, closeDay);
  return periodEndingOn(end, timeZone, closeDay);
}
