import { describe, expect, it } from 'vitest';
import { parseLocationSettings } from './settings';

const valid = {
  name: 'Ghent',
  time_zone: 'Europe/Brussels',
  slot_minutes: '30',
  slot_capacity: '2',
  booking_horizon_days: '14',
  booking_lead_minutes: '60',
  portal_enabled: 'on',
  show_book_estimate: 'on',
  work_started_source: 'ready_for_start',
  repair_weekdays: ['1', '2', '3', '4', '5'],
  repair_dropoff_time: '08:00',
  self_service_cutoff_hours: '24',
  service_daily_capacity: '8',
};

describe('location settings form', () => {
  it('reads settings, unchecked boxes as off, and hours per weekday', () => {
    const result = parseLocationSettings({
      ...valid,
      hours_1_0_opens: '08:00',
      hours_1_0_closes: '12:00',
      hours_1_1_opens: '13:00',
      hours_1_1_closes: '17:00',
      hours_6_0_opens: '09:00',
      hours_6_0_closes: '12:00',
      hours_7_0_opens: '',
      hours_7_0_closes: '',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.settings).toMatchObject({ slot_capacity: 2, portal_enabled: true, show_book_estimate: true, show_add_photos: false });
    expect(result.settings).toMatchObject({ work_started_source: 'ready_for_start', repair_weekdays: [1, 2, 3, 4, 5], repair_dropoff_time: '08:00' });
    expect(result.hours).toEqual([
      { weekday: 1, opensAt: '08:00', closesAt: '12:00' },
      { weekday: 1, opensAt: '13:00', closesAt: '17:00' },
      { weekday: 6, opensAt: '09:00', closesAt: '12:00' },
    ]);
  });

  it('reads the status page and repair appointment settings: one ticked day, no day, days in order', () => {
    const parse = (body: Record<string, unknown>) => {
      const result = parseLocationSettings({ ...valid, ...body });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      return result.settings;
    };
    expect(parse({ work_started_source: 'first_activity', repair_weekdays: '6', repair_dropoff_time: '07:30' })).toMatchObject({
      work_started_source: 'first_activity',
      repair_weekdays: [6],
      repair_dropoff_time: '07:30',
    });
    expect(parse({ repair_weekdays: undefined }).repair_weekdays).toEqual([]);
    expect(parse({ repair_weekdays: ['7', '1', '1'] }).repair_weekdays).toEqual([1, 7]);
  });

  it('names each wrong field with a translatable code and keeps the typed hours', () => {
    const result = parseLocationSettings({
      ...valid,
      slot_capacity: '0',
      time_zone: 'Mars/Olympus',
      work_started_source: 'whenever',
      repair_weekdays: ['1', '8'],
      repair_dropoff_time: '8h',
      hours_2_0_opens: '12:00',
      hours_2_0_closes: '09:00',
      hours_3_0_opens: '08:00',
      hours_3_0_closes: '12:00',
      hours_3_1_opens: '11:00',
      hours_3_1_closes: '15:00',
      hours_4_0_opens: '8h',
      hours_4_0_closes: '12:00',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      slot_capacity: 'slotCapacity',
      time_zone: 'timeZone',
      work_started_source: 'required',
      repair_weekdays: 'required',
      repair_dropoff_time: 'time',
      hours2: 'timeOrder',
      hours3: 'timeOverlap',
      hours4: 'time',
    });
    expect(result.hours).toHaveLength(4);
  });

  it('B1: reads the self-service cut-off and the daily service capacity, refusing values out of range', () => {
    const ok = parseLocationSettings({ ...valid, self_service_cutoff_hours: '0', service_daily_capacity: '12' });
    expect(ok.ok && ok.settings).toMatchObject({ self_service_cutoff_hours: 0, service_daily_capacity: 12 });
    const bad = parseLocationSettings({ ...valid, self_service_cutoff_hours: '-1', service_daily_capacity: '0' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toMatchObject({ self_service_cutoff_hours: 'cutoffHours', service_daily_capacity: 'serviceCapacity' });
    const typo = parseLocationSettings({ ...valid, self_service_cutoff_hours: 'a day' });
    if (!typo.ok) expect(typo.errors).toMatchObject({ self_service_cutoff_hours: 'number' });
    expect(typo.ok).toBe(false);
  });
});
