import { DateTime } from 'luxon';

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

/**
 * Every slot the opening hours offer from `now` on, for `horizonDays` local
 * days. Slots are laid out in the location's wall-clock time, so 09:00 stays
 * 09:00 across a daylight-saving change; a slot that would fall in the
 * skipped hour of a spring-forward night is left out.
 */
export function generateSlots(hours: OpeningInterval[], rules: SlotRules, now: Date): Slot[] {
  const slots: Slot[] = [];
  const earliest = now.getTime() + rules.leadMinutes * 60_000;
  const firstDay = DateTime.fromJSDate(now, { zone: rules.timeZone }).startOf('day');
  for (let day = 0; day < rules.horizonDays; day++) {
    const date = firstDay.plus({ days: day });
    const intervals = hours
      .filter((interval) => interval.weekday === date.weekday)
      .sort((a, b) => minutesOf(a.opensAt) - minutesOf(b.opensAt));
    for (const interval of intervals) {
      const closes = minutesOf(interval.closesAt);
      for (let minute = minutesOf(interval.opensAt); minute + rules.slotMinutes <= closes; minute += rules.slotMinutes) {
        const start = date.set({ hour: Math.floor(minute / 60), minute: minute % 60 });
        // Luxon shifts a non-existent local time forward; such a slot does not exist.
        if (start.hour * 60 + start.minute !== minute) continue;
        const end = start.plus({ minutes: rules.slotMinutes });
        if (start.toMillis() < earliest) continue;
        slots.push({ start: start.toJSDate(), end: end.toJSDate() });
      }
    }
  }
  return slots;
}

/** The slot starting exactly at `start`, if the opening hours offer it. */
export function findSlot(hours: OpeningInterval[], rules: SlotRules, now: Date, start: Date): Slot | undefined {
  return generateSlots(hours, rules, now).find((slot) => slot.start.getTime() === start.getTime());
}
