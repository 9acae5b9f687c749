import { describe, expect, it } from 'vitest';
import { parseJobForm } from './form';

const valid = {
  location_id: '3',
  first_name: ' Els ',
  last_name: 'Peeters',
  email: 'els@example.test',
  phone: '',
  language: 'nl',
  plate: '1-abc-234',
  vin: 'wvw zzz 1jz 3w 386752',
  make: 'Volkswagen',
  model: 'Golf',
  damage_flow_type_id: '',
  notes: 'Rear bumper',
  appointment_at: '2026-12-01T08:30',
  planned_end_at: '2026-12-04T17:00',
};
const choices = { locationIds: [3, 4], flowTypeIds: [7, 8] };

describe('job form (D4)', () => {
  it('reads customer, vehicle and job; the VIN without spaces in capitals; an empty flow type follows the default', () => {
    const result = parseJobForm(valid, choices);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.job).toEqual({
      location_id: 3,
      fields: {
        customer: { first_name: 'Els', last_name: 'Peeters', email: 'els@example.test', phone: '', language: 'nl' },
        vehicle: { plate: '1-abc-234', vin: 'WVWZZZ1JZ3W386752', make: 'Volkswagen', model: 'Golf' },
        damage_flow_type_id: null,
        notes: 'Rear bumper',
      },
      appointment_at: '2026-12-01T08:30',
      planned_end_at: '2026-12-04T17:00',
    });
    expect(parseJobForm({ ...valid, damage_flow_type_id: '8' }, choices)).toMatchObject({ ok: true, job: { fields: { damage_flow_type_id: 8 } } });
  });

  it('names each wrong field with a translation key and keeps what was typed', () => {
    const typed = {
      ...valid,
      location_id: '99',
      last_name: '',
      email: '',
      language: 'es',
      vin: 'WVWZZZ1JZ3W38675O',
      damage_flow_type_id: '99',
      appointment_at: '2026-12-01T08:30',
      planned_end_at: '2026-11-30T17:00',
    };
    const result = parseJobForm(typed, choices);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      location_id: 'errors.location',
      last_name: 'errors.required',
      email: 'jobForm.errors.contactNeeded',
      language: 'jobForm.errors.language',
      vin: 'jobForm.errors.vin',
      damage_flow_type_id: 'jobForm.errors.flowType',
      planned_end_at: 'jobForm.errors.endBeforeAppointment',
    });
    expect(result.values).toMatchObject({ first_name: ' Els ', vin: 'WVWZZZ1JZ3W38675O', notes: 'Rear bumper', planned_end_at: '2026-11-30T17:00' });
  });

  it('on edit: no location, and a planned date can be moved but not cleared', () => {
    const edit = { flowTypeIds: [7], current: { appointment_at: '2026-12-01T08:30', planned_end_at: '' } };
    const moved = parseJobForm({ ...valid, location_id: undefined, appointment_at: '2026-12-02T09:00', planned_end_at: '' }, edit);
    expect(moved).toMatchObject({ ok: true, job: { location_id: null, appointment_at: '2026-12-02T09:00', planned_end_at: '' } });
    const cleared = parseJobForm({ ...valid, appointment_at: '' }, edit);
    expect(cleared).toMatchObject({ ok: false, errors: { appointment_at: 'jobForm.errors.cannotClear' } });
    expect(parseJobForm({ ...valid, appointment_at: '1 December' }, edit)).toMatchObject({ ok: false, errors: { appointment_at: 'jobs.dateTime' } });
  });
});
