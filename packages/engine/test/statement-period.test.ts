import { describe, expect, it } from 'vitest';
import { addDays, latestClosedPeriod, localDateOf, periodEndingOn, startOfLocalDay } from '../src/statement-period.ts';

describe('statement periods in the store time zone', () => {
  it('a month closes at local midnight, not at UTC midnight', () => {
    // Berlin is UTC+1 on 31 October 2026 (summer time ended on the 25th).
    const beforeClose = latestClosedPeriod(new Date('2026-10-31T22:30:00Z'), 'Europe/Berlin', 'last');
    expect([beforeClose.start, beforeClose.end]).toEqual(['2026-09-01', '2026-09-30']);
    const afterClose = latestClosedPeriod(new Date('2026-10-31T23:00:00Z'), 'Europe/Berlin', 'last');
    expect([afterClose.start, afterClose.end]).toEqual(['2026-10-01', '2026-10-31']);
    expect(afterClose.startsAt.toISOString()).toBe('2026-09-30T22:00:00.000Z');
    expect(afterClose.endsAt.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    // Los Angeles is still on Pacific daylight time on 31 October: the month ends at 07:00 UTC.
    expect(latestClosedPeriod(new Date('2026-11-01T06:59:59Z'), 'America/Los_Angeles', 'last').end).toBe('2026-09-30');
    expect(latestClosedPeriod(new Date('2026-11-01T07:00:00Z'), 'America/Los_Angeles', 'last').endsAt.toISOString()).toBe('2026-11-01T07:00:00.000Z');
  });

  it('a close day other than month end, a year boundary and short months', () => {
    const mid = latestClosedPeriod(new Date('2026-03-16T12:00:00Z'), 'UTC', 15);
    expect([mid.start, mid.end]).toEqual(['2026-02-16', '2026-03-15']);
    expect(latestClosedPeriod(new Date('2026-03-15T23:59:59Z'), 'UTC', 15).end).toBe('2026-02-15');
    const january = latestClosedPeriod(new Date('2026-01-05T00:00:00Z'), 'UTC', 'last');
    expect([january.start, january.end]).toEqual(['2025-12-01', '2025-12-31']);
    expect(latestClosedPeriod(new Date('2028-03-01T00:00:00Z'), 'UTC', 'last')).toMatchObject({ start: '2028-02-01', end: '2028-02-29' });
    expect(periodEndingOn('2026-01-15', 'UTC', 15).start).toBe('2025-12-16');
    expect(() => periodEndingOn('2026-10-30', 'UTC', 'last')).toThrow(/not a close date/);
    expect(() => periodEndingOn('31/10/2026', 'UTC', 'last')).toThrow(/Expected a date/);
  });

  it('local midnight is the first instant of the local day, also across DST changes', () => {
    const cases: Array<[string, string]> = [
      ['2026-03-29', 'Europe/Berlin'],
      ['2026-10-25', 'Europe/Berlin'],
      ['2026-03-08', 'America/New_York'],
      ['2026-11-01', 'America/New_York'],
      // Chile moves its clocks at midnight: 00:00 does not exist on that day.
      ['2026-09-06', 'America/Santiago'],
      ['2026-04-05', 'Australia/Lord_Howe'],
      ['2026-06-15', 'Asia/Kolkata'],
      ['2026-06-15', 'Pacific/Chatham'],
    ];
    for (const [date, zone] of cases) {
      const start = startOfLocalDay(date, zone);
      expect(localDateOf(start, zone), `${date} ${zone}`).toBe(date);
      expect(localDateOf(new Date(start.getTime() - 1), zone), `${date} ${zone}`).toBe(addDays(date, -1));
    }
  });
});
