import { DateTime, IANAZone } from 'luxon';
import { BoundedMap } from './boundedMap';

export interface OpeningInterval {
  /** ISO weekday, 1 = Monday ... 7 = Sunday */
  weekday: number;
  /** local wall-clock time "HH:MM" or "HH:MM:SS" */
  opensAt: string;
  closesAt: string;
}

export interface Slot {
  start: Date;
  end: Date;
}

export interface SlotRules {
  timeZone: string;
  slotMinutes: number;
  horizonDays: number;
  leadMinutes: number;
}

function minutesOf(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Zone offsets asked, by zone and instant: luxon works each out through
 * Intl's formatToParts (about 10 µs), a slot page asks a few for each day,
 * and every visitor's page asks the same (midnights of the same days).
 */
const offsets = new BoundedMap<string, number>(10_000);

/**
 * Every slot the opening hours offer from `now` on, for `horizonDays` local
 * days. Slots are laid out in the location's wall-clock time, so 09:00 stays
 * 09:00 across a daylight-saving change; a slot that would fall in the
 * skipped hour of a spring-forward night is left out.
 *
 * Plain arithmetic on "local time as if it were UTC" plus the zone's offset:
 * a slot page lays out hundreds of slots, and doing it with DateTime objects
 * cost ~18 ms of CPU per page.
 */
export function generateSlots(hours: OpeningInterval[], rules: SlotRules, now: Date): Slot[] {
  const zone = IANAZone.create(rules.timeZone);
  const offsetMs = (utcMs: number) => {
    const key = `${rules.timeZone}|${utcMs}`;
    let offset = offsets.get(key);
    if (offset === undefined) offsets.set(key, (offset = zone.offset(utcMs) * MINUTE));
    return offset;
  };
  /** The UTC instant of a local wall-clock time, or undefined when the clocks skip it. */
  const toUtc = (localMs: number): number | undefined => {
    const guess = localMs - offsetMs(localMs);
    const utc = localMs - offsetMs(guess);
    return utc + offsetMs(utc) === localMs ? utc : undefined;
  };

  const today = DateTime.fromJSDate(now, { zone });
  const firstLocalMidnight = Date.UTC(today.year, today.month - 1, today.day);
  const earliest = now.getTime() + rules.leadMinutes * MINUTE;
  const byWeekday = new Map<number, [number, number][]>();
  for (const interval of hours) {
    const list = byWeekday.get(interval.weekday) ?? [];
    list.push([minutesOf(interval.opensAt), minutesOf(interval.closesAt)]);
    byWeekday.set(interval.weekday, list.sort((a, b) => a[0] - b[0]));
  }

  const slots: Slot[] = [];
  for (let day = 0; day < rules.horizonDays; day++) {
    const midnight = firstLocalMidnight + day * DAY;
    const intervals = byWeekday.get(new Date(midnight).getUTCDay() || 7);
    if (!intervals) continue;
    // Zone lookups are the slow part: a day without a clock change has one offset.
    const offsetAtMidnight = midnight - (toUtc(midnight) ?? midnight);
    const sameOffsetAllDay = offsetAtMidnight === midnight + DAY - (toUtc(midnight + DAY) ?? midnight + DAY);
    for (const [opens, closes] of intervals) {
      for (let minute = opens; minute + rules.slotMinutes <= closes; minute += rules.slotMinutes) {
        const local = midnight + minute * MINUTE;
        const start = sameOffsetAllDay ? local - offsetAtMidnight : toUtc(local);
        if (start === undefined || start < earliest) continue;
        slots.push({ start: new Date(start), end: new Date(start + rules.slotMinutes * MINUTE) });
      }
    }
  }
  return slots;
}

/** The slot starting exactly at `start`, if the opening hours offer it. */
export function findSlot(hours: OpeningInterval[], rules: SlotRules, now: Date, start: Date): Slot | undefined {
  return generateSlots(hours, rules, now).find((slot) => slot.start.getTime() === start.getTime());
}

export interface RepairRules {
  timeZone: string;
  /** ISO weekdays on which the shop takes repair appointments */
  weekdays: number[];
  /** local wall-clock drop-off time, "HH:MM" or "HH:MM:SS" */
  dropoffTime: string;
  horizonDays: number;
  leadMinutes: number;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * P4: a repair appointment is a day, not a time slot: the vehicle is dropped
 * off at the location's drop-off time. One slot per repair day, laid out like
 * estimate slots (so daylight-saving changes behave the same); its end is
 * meaningless and one minute after the start.
 */
export function repairSlots(rules: RepairRules, now: Date): Slot[] {
  const opens = minutesOf(rules.dropoffTime);
  const hours = rules.weekdays.map((weekday) => ({ weekday, opensAt: hhmm(opens), closesAt: hhmm(opens + 1) }));
  return generateSlots(hours, { timeZone: rules.timeZone, slotMinutes: 1, horizonDays: rules.horizonDays, leadMinutes: rules.leadMinutes }, now);
}
