/**
 * Dates as real exports write them: ISO (2026-12-03), day-first with dots
 * (03.12.2026, the German and Dutch way), and with slashes or dashes, where
 * 03/12/2026 is the 3rd of December in Europe and the 12th of March in the
 * US. Which of the two a column means is decided from the whole column: a
 * value with a first part over 12 can only be day-first, one with a second
 * part over 12 only month-first; a column where every value fits both asks.
 * Each may carry a time ("03/12/2026 08:30", "2026-12-03T08:30:00").
 */
export type DateOrder = 'dmy' | 'mdy';

export interface LocalDate {
  year: number;
  month: number;
  day: number;
  /** present when the value carried a time */
  hour?: number;
  minute?: number;
}

type Shape =
  | { kind: 'iso'; year: number; month: number; day: number; time?: [number, number] }
  | { kind: 'dotted'; first: number; second: number; year: number; time?: [number, number] }
  | { kind: 'slashed'; first: number; second: number; year: number; time?: [number, number] };

const timePart = String.raw`(?:[ T]([0-9]{1,2})[:.h]([0-9]{2})(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?`;
const iso = new RegExp(String.raw`^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})${timePart}$`);
const dotted = new RegExp(String.raw`^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})${timePart}$`);
const slashed = new RegExp(String.raw`^([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{4})${timePart}$`);

function time(hour: string | undefined, minute: string | undefined): [number, number] | undefined {
  return hour === undefined ? undefined : [Number(hour), Number(minute)];
}

function shapeOf(value: string): Shape | undefined {
  const text = value.trim();
  let m = iso.exec(text);
  if (m) return { kind: 'iso', year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), time: time(m[4], m[5]) };
  m = dotted.exec(text);
  if (m) return { kind: 'dotted', first: Number(m[1]), second: Number(m[2]), year: Number(m[3]), time: time(m[4], m[5]) };
  m = slashed.exec(text);
  if (m) return { kind: 'slashed', first: Number(m[1]), second: Number(m[2]), year: Number(m[3]), time: time(m[4], m[5]) };
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDate(year: number, month: number, day: number, t?: [number, number]): LocalDate | undefined {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (!t) return { year, month, day };
  const [hour, minute] = t;
  if (hour > 23 || minute > 59) return undefined;
  return { year, month, day, hour, minute };
}

/**
 * What a date column says about its order, value by value: how many values
 * could only be day-first, only month-first, or either. Fed every value of
 * the column, then asked `decide()`.
 */
export class DateOrderEvidence {
  dayFirstOnly = 0;
  monthFirstOnly = 0;
  either = 0;

  add(value: string): void {
    const shape = shapeOf(value);
    if (!shape || shape.kind !== 'slashed') return; // ISO and dotted dates say nothing about the order of slashed ones
    const asDmy = validDate(shape.year, shape.second, shape.first);
    const asMdy = validDate(shape.year, shape.first, shape.second);
    if (asDmy && asMdy && shape.first !== shape.second) this.either++;
    else if (asDmy && !asMdy) this.dayFirstOnly++;
    else if (asMdy && !asDmy) this.monthFirstOnly++;
  }

  /**
   * The column's order: the one no value contradicts, or with fewer
   * contradictions (those rows then fail as invalid dates); 'ambiguous'
   * when every value fits both (the user is asked); 'dmy' when the column
   * has no slashed dates at all (nothing to decide).
   */
  decide(): DateOrder | 'ambiguous' {
    if (this.dayFirstOnly === 0 && this.monthFirstOnly === 0) return this.either > 0 ? 'ambiguous' : 'dmy';
    if (this.dayFirstOnly === this.monthFirstOnly) return 'ambiguous';
    return this.dayFirstOnly > this.monthFirstOnly ? 'dmy' : 'mdy';
  }
}

/** A date (and its time if it has one) read with the column's order; undefined when it is none. */
export function parseDate(value: string, order: DateOrder): LocalDate | undefined {
  const shape = shapeOf(value);
  if (!shape) return undefined;
  if (shape.kind === 'iso') return validDate(shape.year, shape.month, shape.day, shape.time);
  if (shape.kind === 'dotted' || order === 'dmy') return validDate(shape.year, shape.second, shape.first, shape.time);
  return validDate(shape.year, shape.first, shape.second, shape.time);
}

/** A time of day: 08:30, 8.30, 8h30, 08:30:00. */
export function parseTime(value: string): { hour: number; minute: number } | undefined {
  const m = /^([0-9]{1,2})[:.h]([0-9]{2})(?::[0-9]{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}
