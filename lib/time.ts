import { DateTime } from 'luxon';

const dateTimeFormat = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' } as const;

/** "Tuesday 24 November 2026, 08:00" in the location's time zone and the reader's language. */
export function formatLocalDateTime(date: Date, timeZone: string, language: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).setLocale(language).toLocaleString(dateTimeFormat);
}

/** A staff list's compact form: "24 Nov 2026, 08:00". */
export function formatLocalDateTimeShort(date: Date, timeZone: string, language: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).setLocale(language).toLocaleString(DateTime.DATETIME_MED);
}

/** A calendar day ("2026-12-01") as "Tuesday 1 December 2026" in the reader's language. */
export function formatCalendarDate(isoDate: string, language: string): string {
  return DateTime.fromISO(isoDate).setLocale(language).toLocaleString(DateTime.DATE_HUGE);
}

/** A visit's day and times in the location's time zone, as `language` writes them (check-in and the customer's own link). */
export function visitTimes(at: { starts_at: Date; ends_at: Date }, timeZone: string, language: string) {
  const zone = { zone: timeZone };
  const start = DateTime.fromJSDate(at.starts_at, zone).setLocale(language);
  const end = DateTime.fromJSDate(at.ends_at, zone).setLocale(language);
  return { date: start.toLocaleString(DateTime.DATE_HUGE), time: start.toLocaleString(DateTime.TIME_SIMPLE), endTime: end.toLocaleString(DateTime.TIME_SIMPLE) };
}
