import ical from 'node-ical';
import { describe, expect, it } from 'vitest';
import { calendarMethod, visitCalendar, type CalendarVisit } from './calendar';

const publicUrl = 'https://workshop.example.com';

/** A visit at 09:00 Brussels time on a given local day (the offset written out, as the test means it). */
function visitAt(localIso: string, overrides: Partial<CalendarVisit> = {}): CalendarVisit {
  const startsAt = new Date(localIso);
  return {
    appointmentId: 42,
    sequence: 0,
    status: 'planned',
    startsAt,
    endsAt: new Date(startsAt.getTime() + 30 * 60_000),
    timeZone: 'Europe/Brussels',
    summary: 'Estimate at Test Body Shop',
    location: 'Test Body Shop, Teststraat 1, 9000 Gent',
    description: 'Move or cancel: https://workshop.example.com/v/abc',
    url: 'https://workshop.example.com/v/abc',
    ...overrides,
  };
}

function onlyEvent(ics: string) {
  const events = Object.values(ical.sync.parseICS(ics)).filter((c) => c?.type === 'VEVENT');
  expect(events).toHaveLength(1);
  return events[0] as ical.VEvent;
}

describe('visitCalendar (B1)', () => {
  // 2027: summer time begins Sunday 28 March, ends Sunday 31 October (Europe/Brussels).
  it.each([
    ['Friday before the spring change', '2027-03-26T09:00:00+01:00', '2027-03-26T08:00:00.000Z'],
    ['Monday after the spring change', '2027-03-29T09:00:00+02:00', '2027-03-29T07:00:00.000Z'],
    ['Friday before the autumn change', '2027-10-29T09:00:00+02:00', '2027-10-29T07:00:00.000Z'],
    ['Monday after the autumn change', '2027-11-01T09:00:00+01:00', '2027-11-01T08:00:00.000Z'],
  ])('%s: 09:00 local opens at the right instant', (_name, local, utc) => {
    const ics = visitCalendar(visitAt(local), publicUrl);
    expect(ics).toMatch(/DTSTART;TZID=Europe\/Brussels:\d{8}T090000/);
    expect(ics).toMatch(/BEGIN:VTIMEZONE\r?\nTZID:Europe\/Brussels/);
    // DTSTAMP is UTC (RFC 5545 3.8.7.2), whatever the zone of the event.
    expect(ics).toMatch(/^DTSTAMP:\d{8}T\d{6}Z\r?$/m);
    const event = onlyEvent(ics);
    expect(event.start.toISOString()).toBe(utc);
    expect(event.end!.getTime() - event.start.getTime()).toBe(30 * 60_000);
    expect(event.start.tz).toBe('Europe/Brussels');
  });

  it('keeps the UID of an appointment and raises SEQUENCE with each move', () => {
    const first = onlyEvent(visitCalendar(visitAt('2027-03-26T09:00:00+01:00'), publicUrl));
    const moved = onlyEvent(visitCalendar(visitAt('2027-03-29T09:00:00+02:00', { sequence: 1 }), publicUrl));
    const other = onlyEvent(visitCalendar(visitAt('2027-03-29T09:00:00+02:00', { appointmentId: 43 }), publicUrl));
    expect(first.uid).toBe('appointment-42@workshop.example.com');
    expect(moved.uid).toBe(first.uid);
    expect(other.uid).not.toBe(first.uid);
    expect(Number(first.sequence)).toBe(0);
    expect(Number(moved.sequence)).toBe(1);
    expect(first.summary).toBe('Estimate at Test Body Shop');
    expect(first.location).toBe('Test Body Shop, Teststraat 1, 9000 Gent');
    expect(first.description).toContain('/v/abc');
  });

  it('a cancelled appointment is METHOD:CANCEL with STATUS:CANCELLED of the same UID and a higher SEQUENCE', () => {
    const ics = visitCalendar(visitAt('2027-03-26T09:00:00+01:00', { status: 'cancelled', sequence: 2 }), publicUrl);
    expect(calendarMethod(ics)).toBe('CANCEL');
    const event = onlyEvent(ics);
    expect(event.status).toBe('CANCELLED');
    expect(event.uid).toBe('appointment-42@workshop.example.com');
    expect(Number(event.sequence)).toBe(3);
    expect(calendarMethod(visitCalendar(visitAt('2027-03-26T09:00:00+01:00'), publicUrl))).toBe('PUBLISH');
  });
});
