import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAppointment, importAppointments, type ImportedAppointment } from '../db/appointmentImport';
import { phoneColumns } from '../db/customers';
import { createJob, createLocation, uniqueEmail, uniquePlate } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

/** W2: the one writer of planner appointments (db/appointmentImport.ts), against PostgreSQL. */
describe('W2 appointment import writer (PostgreSQL)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const source = { source: 'planner' };
  let counter = 0;
  const row = (fields: Partial<ImportedAppointment> = {}): ImportedAppointment => ({
    external_id: `P-${Date.now()}-${++counter}`,
    starts_at: '2026-12-10T08:30',
    ...fields,
  });
  const appointmentsOf = (companyId: number) => platform.db('appointments').where({ company_id: companyId }).orderBy('id');

  it('only the start is required; local time is the location\'s; the same id twice is one appointment, reported unchanged', async () => {
    const { companyId } = await createLocation(platform.db);
    const first = row();
    expect(await importAppointments(platform.db, companyId, [first], source)).toEqual([{ outcome: 'added', appointmentId: expect.any(Number), checkin: 'start' }]);
    const [again] = await importAppointments(platform.db, companyId, [first], source);
    expect(again).toMatchObject({ outcome: 'unchanged' });
    const rows = await appointmentsOf(companyId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'service', status: 'planned', customer_id: null, vehicle_id: null, external_source: 'planner' });
    // 08:30 in Brussels in December is 07:30 UTC; one hour by default.
    expect(rows[0].starts_at.toISOString()).toBe('2026-12-10T07:30:00.000Z');
    expect(rows[0].ends_at.toISOString()).toBe('2026-12-10T08:30:00.000Z');
    const events = await platform.db('board_events').where({ appointment_id: rows[0].id }).pluck('change');
    expect(events).toEqual(['imported']);
  });

  it('the same id pushed concurrently makes one appointment', async () => {
    const { companyId } = await createLocation(platform.db);
    const same = row({ customer: { email: uniqueEmail('race') }, vehicle: { plate: uniquePlate() } });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => importAppointment(platform.db, companyId, same, source)));
    expect(outcomes.filter((o) => o.outcome === 'added')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'unchanged')).toHaveLength(5);
    expect(await appointmentsOf(companyId)).toHaveLength(1);
    expect(await platform.db('customers').where({ company_id: companyId })).toHaveLength(1);
  });

  it('customer and vehicle land in the one master: the same person by e-mail in another notation and phone in another notation', async () => {
    const { companyId } = await createLocation(platform.db);
    const [existing] = await platform.db('customers')
      .insert({ company_id: companyId, first_name: 'Marie', last_name: 'Janssens', email: 'marie.janssens@example.test', ...phoneColumns('+32 470 12 34 56') })
      .returning('id');
    const [outcome] = await importAppointments(
      platform.db,
      companyId,
      [row({ customer: { first_name: 'Marie', last_name: 'Janssens', email: '  MARIE.Janssens@Example.TEST ', customer_number: 'K-77' }, vehicle: { plate: '1-abc-234', make: 'VW' } })],
      source,
    );
    const appointment = await platform.db('appointments').where({ id: outcome!.appointmentId }).first();
    expect(appointment.customer_id).toBe(existing.id);
    expect(await platform.db('customers').where({ company_id: companyId })).toHaveLength(1);
    // the number it was looked up by is now the customer's: the next push by number alone finds it
    const [byNumber] = await importAppointments(platform.db, companyId, [row({ customer: { customer_number: 'K-77' } })], source);
    expect((await platform.db('appointments').where({ id: byNumber!.appointmentId }).first()).customer_id).toBe(existing.id);
    const [vehicle] = await platform.db('vehicles').where({ company_id: companyId });
    expect(vehicle).toMatchObject({ plate_normalized: '1ABC234', customer_id: existing.id, make: 'VW' });
    expect(appointment.vehicle_id).toBe(vehicle.id);
  });

  it('a changed push updates time, work description and contact, never the job (the board column), the colour', async () => {
    const { companyId, location } = await createLocation(platform.db);
    const first = row({ work_description: 'Oil service', customer: { first_name: 'Jan', email: uniqueEmail('jan') } });
    const appointmentId = (await importAppointment(platform.db, companyId, first, source)).appointmentId!;
    // staff moved the card to In service: its job is at vehicle_in; and gave it a colour
    const job = await createJob(platform.db, location);
    await platform.db('jobs').where({ id: job.id }).update({ step: 'vehicle_in' });
    await platform.db('appointments').where({ id: appointmentId }).update({ job_id: job.id, color: 'red' });

    const [changed] = await importAppointments(
      platform.db,
      companyId,
      [{ ...first, starts_at: '2026-12-10T10:00:00+01:00', duration_minutes: 30, work_description: 'Oil service, brakes', customer: { ...first.customer, phone: '0470 99 88 77' } }],
      source,
    );
    expect(changed).toMatchObject({ outcome: 'updated', appointmentId, checkin: 'rescheduled' });
    const appointment = await platform.db('appointments').where({ id: appointmentId }).first();
    expect(appointment.starts_at.toISOString()).toBe('2026-12-10T09:00:00.000Z');
    expect(appointment.ends_at.toISOString()).toBe('2026-12-10T09:30:00.000Z');
    expect(appointment).toMatchObject({ work_description: 'Oil service, brakes', phone: '0470 99 88 77', first_name: 'Jan', job_id: job.id, color: 'red', status: 'planned' });
    expect((await platform.db('jobs').where({ id: job.id }).first()).step).toBe('vehicle_in');

    // the planner cancels it: the card left New, so staff decide
    const [cancel] = await importAppointments(platform.db, companyId, [{ ...first, cancelled: true }], source);
    expect(cancel).toMatchObject({ outcome: 'failed', reason: 'cancelRefused' });
    expect((await platform.db('appointments').where({ id: appointmentId }).first()).status).toBe('planned');
  });

  it('a cancelled-in-the-planner appointment in New is cancelled and never revived by a later push', async () => {
    const { companyId } = await createLocation(platform.db);
    const first = row();
    const appointmentId = (await importAppointment(platform.db, companyId, first, source)).appointmentId!;
    expect(await importAppointments(platform.db, companyId, [{ ...first, cancelled: true }], source)).toEqual([
      { outcome: 'updated', appointmentId, checkin: 'cancelled' },
    ]);
    expect((await platform.db('appointments').where({ id: appointmentId }).first()).status).toBe('cancelled');
    expect(await importAppointments(platform.db, companyId, [first], source)).toEqual([{ outcome: 'unchanged', appointmentId, reason: 'cancelled' }]);
  });

  it('bad rows fail with a reason, good rows of the same batch are kept', async () => {
    const { companyId } = await createLocation(platform.db);
    const other = await createLocation(platform.db);
    await createLocation(platform.db, { companyId });
    const good = row({ location: (await platform.db('locations').where({ company_id: companyId }).first()).slug });
    const outcomes = await importAppointments(
      platform.db,
      companyId,
      [row({ location: other.location.slug }), row(), good, row({ location: String(other.location.id) }), row({ starts_at: 'tomorrow', location: good.location }), row({ location: good.location, ends_at: '2026-12-10T08:00' })],
      source,
    );
    expect(outcomes.map((o) => o.reason ?? o.outcome)).toEqual(['unknownLocation', 'locationRequired', 'added', 'unknownLocation', 'invalidStart', 'invalidEnd']);
    expect(await appointmentsOf(companyId)).toHaveLength(1);
  });
});
