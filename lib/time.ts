import { DateTime } from 'luxon';
import { BoundedMap } from './boundedMap';

const dateTimeFormat = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' } as const;

/**
 * One Intl formatter per language, time zone and form, made once: a staff
 * list formats two dates a row, and a luxon DateTime per date (its zone
 * offset worked out through Intl, its locale set up) cost more than the
 * rest of the page. The text is luxon's own (its toLocaleString is this
 * formatter's format; lib/time.test.ts compares them). Languages and zones
 * are few; a key from elsewhere cannot grow the map without end.
 */
const formatters = new BoundedMap<string, Intl.DateTimeFormat>(1_000);
/** The forms used here are a few constant objects: each is known by a number. */
const formIds = new WeakMap<Intl.DateTimeFormatOptions, number>();
let forms = 0;
function formatter(language: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${formId(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { ...options, timeZone });
    formatters.set(key, format);
  }
  return format;
}

function formId(options: Intl.DateTimeFormatOptions): number {
  let form = formIds.get(options);
  if (form === undefined) formIds.set(options, (form = forms++));
  return form;
}

/**
 * The texts made, by instant, zone, language and form: a staff list shows
 * the same rows again on every refresh and to every staff member, and
 * Intl's format (about 3 µs a date, two dates a row) was the largest part
 * of rendering the lead manager. The text depends on nothing else. Started
 * over at 5,000 texts.
 */
const texts = new BoundedMap<string, string>(5_000);

/**
 * Zones luxon takes for fixed offsets (UTC, GMT+1) rather than IANA zones:
 * it formats those its own way (a narrow no-break space before AM/PM), so
 * they keep going through luxon. Locations name IANA zones (Europe/Brussels).
 */
const fixedOffsetZone = /^(utc|gmt)([+-].*)?$/i;

/** `date` in `timeZone` as `language` writes it in the form `options`. */
function formatIn(date: Date, timeZone: string, language: string, options: Intl.DateTimeFormatOptions): string {
  if (fixedOffsetZone.test(timeZone)) return DateTime.fromJSDate(date, { zone: timeZone }).setLocale(language).toLocaleString(options);
  return intlText(date, timeZone, language, options);
}

/** `date` in `timeZone` (an IANA zone, or UTC for a calendar day) from the cached formatter, and its text remembered. */
function intlText(date: Date, timeZone: string, language: string, options: Intl.DateTimeFormatOptions): string {
  const key = `${date.getTime()}|${timeZone}|${language}|${formId(options)}`;
  let text = texts.get(key);
  if (text === undefined) texts.set(key, (text = formatter(language, timeZone, options).format(date)));
  return text;
}

/** "Tuesday 24 November 2026, 08:00" in the location's time zone and the reader's language. */
export function formatLocalDateTime(date: Date, timeZone: string, language: string): string {
  return formatIn(date, timeZone, language, dateTimeFormat);
}

/** A staff list's compact form: "24 Nov 2026, 08:00". */
export function formatLocalDateTimeShort(date: Date, timeZone: string, language: string): string {
  return formatIn(date, timeZone, language, DateTime.DATETIME_MED);
}

/** "2026-12-01" as a day of the calendar: no time zone moves it (formatted at midnight UTC, in UTC). */
const calendarDay = (isoDate: string) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : new Date(NaN);
};

/** A calendar day ("2026-12-01") as "Tuesday 1 December 2026" in the reader's language. */
export function formatCalendarDate(isoDate: string, language: string): string {
  const day = calendarDay(isoDate);
  return Number.isNaN(day.getTime()) ? isoDate : intlText(day, 'UTC', language, DateTime.DATE_HUGE);
}

/** A calendar day ("2026-12-01") as "Tue, 1 Dec 2026" in the reader's language. */
export function formatCalendarDateMedium(isoDate: string, language: string): string {
  const day = calendarDay(isoDate);
  return Number.isNaN(day.getTime()) ? isoDate : intlText(day, 'UTC', language, DateTime.DATE_MED_WITH_WEEKDAY);
}

/** "Saturday 5 December 2026": the local day of an instant in `timeZone`, as `language` writes it. */
export function formatLocalDate(date: Date, timeZone: string, language: string): string {
  return formatIn(date, timeZone, language, DateTime.DATE_HUGE);
}

const clockTimeForm = { hour: 'numeric', minute: '2-digit' } as const;

/** "9:05" or "9:05 AM": the local time of an instant as a slot picker shows it (the hour without a leading zero). */
export function formatLocalClockTime(date: Date, timeZone: string, language: string): string {
  return formatIn(date, timeZone, language, clockTimeForm);
}

const dayKeyForm = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;

/** The local calendar day of an instant in `timeZone` as a key, "2026-12-05", the same in every language. */
export function localDay(date: Date, timeZone: string): string {
  return intlText(date, timeZone, 'en-CA', dayKeyForm);
}

/** A visit's day and times in the location's time zone, as `language` writes them (check-in and the customer's own link). */
export function visitTimes(at: { starts_at: Date; ends_at: Date }, timeZone: string, language: string) {
  return {
    date: formatLocalDate(at.starts_at, timeZone, language),
    time: formatIn(at.starts_at, timeZone, language, DateTime.TIME_SIMPLE),
    endTime: formatIn(at.ends_at, timeZone, language, DateTime.TIME_SIMPLE),
  };
}
