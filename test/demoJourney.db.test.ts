import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerTimeline } from '../db/customerTimeline';
import { seedDemo } from '../db/seeds/demo';
import { lookupVehicle } from '../db/vehicles';
import { startPlatform, type Platform } from './support/platform';

/**
 * Issue 11: the demo data shows one customer's whole journey on one customer
 * file: an estimate, a repair job with its appointment, a service request
 * turned into an appointment with check-in, and the messages she got.
 */
describe('demo seed: one customer through estimate, repair, service request and check-in (B2)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it('Eva Maes is one customer with one vehicle, and every step of her journey is on her timeline; seeding twice adds nothing', async () => {
    const { db } = platform;
    await seedDemo(db);
    await seedDemo(db);
    const company = await db('companies').where({ name: 'Demo Body Shop' }).first('id');
    const eva = await db('customers').where({ company_id: company.id, customer_number: '10001' }).first();
    expect(await db('customers').where({ company_id: company.id, email: 'eva@demo.test' }).count({ n: '*' }).first()).toEqual({ n: 1 });
    const vehicles = await db('vehicles').where({ customer_id: eva.id }).select('id');
    expect(vehicles).toHaveLength(1);

    // P9: the DMS datastore's sample files imported once from "Garage Claes": its history, and a vehicle the look-up finds.
    const runs = await db('import_runs').where({ company_id: company.id }).whereIn('kind', ['dms_customers', 'dms_vehicles']).orderBy('id').select('kind', 'status', 'rows_added', 'rows_failed');
    expect(runs).toEqual([
      { kind: 'dms_customers', status: 'done', rows_added: 3, rows_failed: 0 },
      { kind: 'dms_vehicles', status: 'done', rows_added: 3, rows_failed: 0 },
    ]);
    expect(await lookupVehicle(db, company.id, { plate: '1abc123' })).toMatchObject({ vehicle: { make: 'Volkswagen', source_name: 'Garage Claes', dms_id: 'V-2001' }, customer: { last_name: 'Jacobs' } });

    const appointments = await db('appointments').where({ customer_id: eva.id }).orderBy('starts_at').select('kind', 'status', 'job_id', 'lead_id', 'vehicle_id');
    expect(appointments.map((a) => `${a.kind}:${a.status}`)).toEqual(['estimate:done', 'service:planned', 'repair:planned']);
    expect(new Set(appointments.map((a) => a.vehicle_id))).toEqual(new Set([vehicles[0]!.id]));
    const [estimate, service, repair] = appointments;
    expect(estimate!.job_id).not.toBeNull();
    expect(repair!.job_id).toBe(estimate!.job_id);
    expect(service!.lead_id).not.toBeNull();
    expect(await db('leads').where({ id: service!.lead_id }).first('status', 'appointment_id')).toMatchObject({ status: 'planned' });

    const { entries } = await customerTimeline(db, { id: eva.id, company_id: company.id, customer_number: eva.customer_number, email: eva.email }, { limit: 100 });
    const types = new Set(entries.map((entry) => entry.type));
    for (const type of ['job', 'appointment', 'booking', 'lead', 'message']) expect(types, type).toContain(type);
    expect(entries.filter((entry) => entry.type === 'message').length).toBeGreaterThanOrEqual(5);
  });
});
