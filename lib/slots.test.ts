import { describe, expect, it } from 'vitest';
import { findSlot, generateSlots, repairSlots, type OpeningInterval } from './slots';

const weekdays: OpeningInterval[] = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, opensAt: '08:00', closesAt: '12:00' },
  { weekday, opensAt: '13:00', closesAt: '17:00' },
]);
const rules = { timeZone: 'Europe/Brussels', slotMinutes: 60, horizonDays: 7, leadMinutes: 0 };

describe('generateSlots (P2 time slots from estimate hours)', () => {
  it('lays slots out in the location wall-clock time, skipping closed days', () => {
    // Monday 2026-11-23 06:00 UTC = 07:00 in Brussels (CET, UTC+1)
    const slots = generateSlots(weekdays, rules, new Date('2026-11-23T06:00:00Z'));
    expect(slots).toHaveLength(5 * 8);
    expect(slots[0]!.start.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(slots[4]!.start.toISOString()).toBe('2026-11-23T12:00:00.000Z');
    // Saturday and Sunday have no hours
    expect(slots.some((s) => s.start.getUTCDay() === 6 || s.start.getUTCDay() === 0)).toBe(false);
  });

  it('the same slots when asked again, after the same days in another zone (offsets remembered by zone and instant)', () => {
    const now = new Date('2026-10-22T10:30:00Z'); // Thursday of the week of the autumn change in Europe, before America's
    const brussels = generateSlots(weekdays, rules, now).map((s) => s.start.toISOString());
    const newYork = generateSlots(weekdays, { ...rules, timeZone: 'America/New_York' }, now).map((s) => s.start.toISOString());
    expect(newYork[0]).toBe('2026-10-22T12:00:00.000Z'); // 08:00 EDT
    expect(generateSlots(weekdays, rules, now).map((s) => s.start.toISOString())).toEqual(brussels);
    expect(brussels[0]).toBe('2026-10-22T11:00:00.000Z'); // 13:00 CEST
    expect(brussels).toContain('2026-10-26T07:00:00.000Z'); // Monday 08:00 CET, after the change
  });

  it('drops slots that start before now + lead time', () => {
    const slots = generateSlots(weekdays, { ...rules, leadMinutes: 90 }, new Date('2026-11-23T08:10:00Z'));
    // 09:10 local + 90 min = 10:40 local: first slot 11:00 local = 10:00Z
    expect(slots[0]!.start.toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });

  it('keeps 09:00 local at 09:00 across the autumn daylight-saving change', () => {
    // 2026-10-25 is the last Sunday of October: CEST (UTC+2) -> CET (UTC+1)
    const slots = generateSlots(
      [{ weekday: 6, opensAt: '09:00', closesAt: '10:00' }, { weekday: 1, opensAt: '09:00', closesAt: '10:00' }],
      { ...rules, horizonDays: 4 },
      new Date('2026-10-23T12:00:00Z'),
    );
    expect(slots.map((s) => s.start.toISOString())).toEqual(['2026-10-24T07:00:00.000Z', '2026-10-26T08:00:00.000Z']);
  });

  it('lays out the night the clocks go back without duplicates', () => {
    // 2026-10-25 03:00 CEST becomes 02:00 CET; 02:00 local happens twice, it is offered once
    const slots = generateSlots(
      [{ weekday: 7, opensAt: '01:00', closesAt: '04:00' }],
      { ...rules, horizonDays: 1 },
      new Date('2026-10-24T22:30:00Z'),
    );
    expect(slots.map((s) => s.start.toISOString())).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
    expect(slots.every((s) => s.end.getTime() - s.start.getTime() === 3_600_000)).toBe(true);
  });

  it('leaves out a slot in the hour skipped when clocks spring forward', () => {
    // 2026-03-29 02:00 local does not exist in Brussels
    const slots = generateSlots(
      [{ weekday: 7, opensAt: '01:00', closesAt: '04:00' }],
      { ...rules, horizonDays: 1 },
      new Date('2026-03-28T23:00:00Z'),
    );
    expect(slots.map((s) => s.start.toISOString())).toEqual(['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z']);
  });

  it('finds an offered slot and refuses one that is not offered', () => {
    const now = new Date('2026-11-23T06:00:00Z');
    expect(findSlot(weekdays, rules, now, new Date('2026-11-23T07:00:00Z'))).toBeDefined();
    expect(findSlot(weekdays, rules, now, new Date('2026-11-23T07:30:00Z'))).toBeUndefined();
    expect(findSlot([], rules, now, new Date('2026-11-23T07:00:00Z'))).toBeUndefined();
  });
});

describe('repairSlots (P4: one drop-off time per repair day)', () => {
  const repair = { timeZone: 'Europe/Brussels', weekdays: [1, 2, 3, 4, 5], dropoffTime: '08:00:00', horizonDays: 14, leadMinutes: 60 };

  it('offers each repair weekday once, at the drop-off time, from the day the lead time allows', () => {
    // Monday 2026-11-23 07:30 in Brussels: 08:00 today is within the one-hour lead.
    const days = repairSlots(repair, new Date('2026-11-23T06:30:00Z'));
    expect(days).toHaveLength(9);
    expect(days[0]!.start.toISOString()).toBe('2026-11-24T07:00:00.000Z');
    expect(days.every((day) => day.start.getUTCHours() === 7 && day.start.getUTCDay() >= 1 && day.start.getUTCDay() <= 5)).toBe(true);
  });

  it('keeps the drop-off at 08:00 local when summer time ends', () => {
    const days = repairSlots({ ...repair, weekdays: [1, 2, 3, 4, 5, 6, 7], horizonDays: 4 }, new Date('2026-10-23T12:00:00Z'));
    // Saturday 24th (CEST, UTC+2) and Sunday 25th after the change (CET, UTC+1)
    expect(days.map((day) => day.start.toISOString())).toEqual([
      '2026-10-24T06:00:00.000Z',
      '2026-10-25T07:00:00.000Z',
      '2026-10-26T07:00:00.000Z',
    ]);
  });

  it('offers nothing when the location takes no repair days', () => {
    expect(repairSlots({ ...repair, weekdays: [] }, new Date('2026-11-23T06:30:00Z'))).toEqual([]);
  });
});
