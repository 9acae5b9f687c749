import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatCalendarDate, formatCalendarDateMedium, formatLocalClockTime, formatLocalDate, formatLocalDateTime, formatLocalDateTimeShort, localDay, visitTimes } from './time';

/** What these functions wrote with a luxon DateTime per date, before issue 14 made them cached Intl formatters. */
const luxon = {
  long: (date: Date, zone: string, language: string) =>
    DateTime.fromJSDate(date, { zone }).setLocale(language).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' }),
  short: (date: Date, zone: string, language: string) => DateTime.fromJSDate(date, { zone }).setLocale(language).toLocaleString(DateTime.DATETIME_MED),
  day: (iso: string, language: string) => DateTime.fromISO(iso).setLocale(language).toLocaleString(DateTime.DATE_HUGE),
  dayMedium: (iso: string, language: string) => DateTime.fromISO(iso).setLocale(language).toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY),
  time: (date: Date, zone: string, language: string) => DateTime.fromJSDate(date, { zone }).setLocale(language).toLocaleString(DateTime.TIME_SIMPLE),
};

const languages = ['en', 'nl', 'fr', 'de'];
const zones = ['Europe/Brussels', 'America/New_York', 'Asia/Kolkata', 'UTC'];
// Around both DST changes in Brussels, a leap day, the turn of a year.
const dates = ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2028-02-29T23:15:00Z', '2026-12-31T23:59:59Z'].map((iso) => new Date(iso));

describe('dates and times as luxon wrote them, from cached Intl formatters', () => {
  it('date and time in a location zone, long and short, and a visit’s times', () => {
    for (const language of languages)
      for (const zone of zones)
        for (const date of dates) {
          expect(formatLocalDateTime(date, zone, language)).toBe(luxon.long(date, zone, language));
          expect(formatLocalDateTimeShort(date, zone, language)).toBe(luxon.short(date, zone, language));
          const later = new Date(date.getTime() + 90 * 60_000);
          expect(visitTimes({ starts_at: date, ends_at: later }, zone, language)).toEqual({
            date: DateTime.fromJSDate(date, { zone }).setLocale(language).toLocaleString(DateTime.DATE_HUGE),
            time: luxon.time(date, zone, language),
            endTime: luxon.time(later, zone, language),
          });
        }
  });

  it('the slot pickers’ day key, day and clock time: as the fresh Intl formatter a page made wrote them', () => {
    const intl = (date: Date, timeZone: string, language: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(language, { ...options, timeZone }).format(date);
    // IANA zones, as locations have: a fixed-offset zone (UTC) is written as luxon writes it, like every other date here.
    for (const language of languages)
      for (const zone of zones.filter((name) => name !== 'UTC'))
        for (const date of dates) {
          expect(localDay(date, zone)).toBe(intl(date, zone, 'en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }));
          expect(formatLocalDate(date, zone, language)).toBe(intl(date, zone, language, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }));
          expect(formatLocalClockTime(date, zone, language)).toBe(intl(date, zone, language, { hour: 'numeric', minute: '2-digit' }));
        }
    expect(formatLocalClockTime(dates[0]!, 'UTC', 'en')).toBe(DateTime.fromJSDate(dates[0]!, { zone: 'UTC' }).setLocale('en').toLocaleString({ hour: 'numeric', minute: '2-digit' }));
    // The local day, not the UTC one: late evening in New York is the next day in UTC.
    expect(localDay(new Date('2026-12-05T03:30:00Z'), 'America/New_York')).toBe('2026-12-04');
    expect(formatLocalClockTime(new Date('2026-12-05T08:05:00Z'), 'Europe/Brussels', 'nl')).toBe('9:05');
  });

  it('a calendar day, whatever the process’s time zone', () => {
    for (const language of languages)
      for (const day of ['2026-01-01', '2026-03-29', '2026-10-25', '2028-02-29', '2026-12-31']) {
        expect(formatCalendarDate(day, language)).toBe(luxon.day(day, language));
        expect(formatCalendarDateMedium(day, language)).toBe(luxon.dayMedium(day, language));
      }
    expect(formatCalendarDate('not a day', 'en')).toBe('not a day');
  });
});

describe('remembered texts: the same as a fresh formatter writes, whatever came before', () => {
  it('any instant, zone, language and form, asked in any order and again', () => {
    const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }).map((ms) => new Date(ms));
    const day = fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2060, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(fc.tuple(instant, fc.constantFrom(...zones), fc.constantFrom(...languages), day), { minLength: 1, maxLength: 20 }), (asks) => {
        for (const [date, zone, language, iso] of [...asks, ...[...asks].reverse()]) {
          expect(formatLocalDateTime(date, zone, language)).toBe(luxon.long(date, zone, language));
          expect(formatLocalDateTimeShort(date, zone, language)).toBe(luxon.short(date, zone, language));
          expect(visitTimes({ starts_at: date, ends_at: date }, zone, language).time).toBe(luxon.time(date, zone, language));
          expect(formatCalendarDateMedium(iso, language)).toBe(luxon.dayMedium(iso, language));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('still right after it started over (more than 5,000 texts)', () => {
    const first = new Date('2026-12-02T08:00:00Z');
    expect(formatLocalDateTimeShort(first, 'Europe/Brussels', 'nl')).toBe(luxon.short(first, 'Europe/Brussels', 'nl'));
    for (let minute = 1; minute <= 6_000; minute++) formatLocalDateTimeShort(new Date(first.getTime() + minute * 60_000), 'Europe/Brussels', 'en');
    expect(formatLocalDateTimeShort(first, 'Europe/Brussels', 'nl')).toBe(luxon.short(first, 'Europe/Brussels', 'nl'));
    expect(formatLocalDateTimeShort(first, 'Europe/Brussels', 'en')).toBe(luxon.short(first, 'Europe/Brussels', 'en'));
    expect(formatLocalDateTimeShort(first, 'America/New_York', 'en')).toBe(luxon.short(first, 'America/New_York', 'en'));
  });
});
