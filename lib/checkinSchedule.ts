import { DateTime } from 'luxon';

export interface CheckinSchedule {
  /** C1: the check-in link, three days before, at the appointment's wall-clock time */
  linkAt: Date;
  /** W1: the reminder, one day before, at the appointment's wall-clock time */
  reminderAt: Date;
}

/**
 * When the check-in messages of an appointment are due: three and one
 * calendar days before it, at the same local time in the location's time
 * zone, so a daylight-saving change in between does not move them by an hour.
 */
export function checkinSchedule(startsAt: Date, timeZone: string): CheckinSchedule {
  const local = DateTime.fromJSDate(startsAt, { zone: timeZone });
  return { linkAt: local.minus({ days: 3 }).toJSDate(), reminderAt: local.minus({ days: 1 }).toJSDate() };
}
