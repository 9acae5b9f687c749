import { describe, expect, it } from 'vitest';
import { checkinSchedule } from './checkinSchedule';

describe('check-in schedule (C1, W1, D2)', () => {
  it('is three and one days before, at the same local time', () => {
    const { linkAt, reminderAt } = checkinSchedule(new Date('2026-12-10T08:30:00Z'), 'Europe/Brussels');
    expect(linkAt.toISOString()).toBe('2026-12-07T08:30:00.000Z');
    expect(reminderAt.toISOString()).toBe('2026-12-09T08:30:00.000Z');
  });

  it('keeps the local time across the spring daylight-saving change (not 72 hours)', () => {
    // Tuesday 30 March 2027 09:00 in Brussels is 07:00Z (summer time since Sunday 28 March).
    const { linkAt, reminderAt } = checkinSchedule(new Date('2027-03-30T07:00:00Z'), 'Europe/Brussels');
    expect(linkAt.toISOString()).toBe('2027-03-27T08:00:00.000Z'); // Saturday 09:00 winter time
    expect(reminderAt.toISOString()).toBe('2027-03-29T07:00:00.000Z'); // Monday 09:00 summer time
  });

  it('keeps the local time across the autumn change', () => {
    // Tuesday 2 November 2027 09:00 in Brussels is 08:00Z (winter time since Sunday 31 October).
    const { linkAt } = checkinSchedule(new Date('2027-11-02T08:00:00Z'), 'Europe/Brussels');
    expect(linkAt.toISOString()).toBe('2027-10-30T07:00:00.000Z'); // Saturday 09:00 summer time
  });
});
