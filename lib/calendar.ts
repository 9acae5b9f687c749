import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';

/** One visit as its calendar file describes it (B1). */
export interface CalendarVisit {
  appointmentId: number;
  /** appointments.sequence: one more with every move, so a calendar replaces the event it has */
  sequence: number;
  status: 'planned' | 'cancelled' | 'done';
  startsAt: Date;
  endsAt: Date;
  /** the location's IANA zone: DTSTART/DTEND carry it (TZID) with its VTIMEZONE block */
  timeZone: string;
  /** what the customer's calendar calls the event, in their language */
  summary: string;
  /** the location's name and address */
  location: string;
  /** in the customer's language, with the manage link */
  description: string;
  /** the manage link (`/v/<token>`), where there is one */
  url?: string;
}

/** The event's UID: the same for every version of one appointment, unique to this deployment (its PUBLIC_URL host). */
const calendarUid = (appointmentId: number, publicUrl: string) => `appointment-${appointmentId}@${new URL(publicUrl).hostname}`;

/**
 * The .ics of a visit, built with ical-generator in the location's time zone:
 * the VTIMEZONE block from timezones-ical-library, DTSTART/DTEND as local
 * wall-clock times with TZID, so a calendar shows 09:00 whatever its own zone
 * and across a daylight-saving change. A cancelled visit is a METHOD:CANCEL
 * with STATUS:CANCELLED of the same UID (and a higher SEQUENCE), which
 * removes the event from a calendar that imported it.
 */
export function visitCalendar(visit: CalendarVisit, publicUrl: string, now = new Date()): string {
  const cancelled = visit.status === 'cancelled';
  const zone = { zone: visit.timeZone };
  const calendar = ical({
    prodId: { company: 'workshop', product: 'appointments', language: 'EN' },
    method: cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone (DTSTAMP stays UTC); the generator adds the VTIMEZONE of the event's TZID.
    timezone: { name: null, generator: vtimezone },
  });
  calendar.createEvent({
    id: calendarUid(visit.appointmentId, publicUrl),
    // A cancellation must outrank the last version the calendar saw.
    sequence: visit.sequence + (cancelled ? 1 : 0),
    stamp: DateTime.fromJSDate(now, { zone: 'utc' }),
    start: DateTime.fromJSDate(visit.startsAt, zone),
    end: DateTime.fromJSDate(visit.endsAt, zone),
    timezone: visit.timeZone,
    summary: visit.summary,
    location: visit.location,
    description: visit.description,
    url: visit.url ?? null,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}

/** The VTIMEZONE block of an IANA zone (undefined for a zone the library does not know: the TZID then stands alone). */
function vtimezone(name: string): string | null {
  const block = tzlib_get_ical_block(name);
  return Array.isArray(block) && block[0] ? block[0] : null;
}

/** The method of a calendar file (PUBLISH or CANCEL), for the e-mail's text/calendar part. */
export const calendarMethod = (ics: string): 'PUBLISH' | 'CANCEL' => (/^METHOD:CANCEL\r?$/m.test(ics) ? 'CANCEL' : 'PUBLISH');
