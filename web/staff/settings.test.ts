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
    expect(result.hours).toEqual([
      { weekday: 1, opensAt: '08:00', closesAt: '12:00' },
      { weekday: 1, opensAt: '13:00', closesAt: '17:00' },
      { weekday: 6, opensAt: '09:00', closesAt: '12:00' },
    ]);
  });

  it('names each wrong field with a translatable code and keeps the typed hours', () => {
    const result = parseLocationSettings({
      ...valid,
      slot_capacity: '0',
      time_zone: 'Mars/Olympus',
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
      hours2: 'timeOrder',
      hours3: 'timeOverlap',
      hours4: 'time',
    });
    expect(result.hours).toHaveLength(4);
  });
});
