import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJobState } from '../db/jobs';
import { migrate } from '../db/knex';
import { databaseMigratedTo } from './support/migrations';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Issue 11: a database of the shape before the one appointment model
 * (a job's estimate slot and repair appointment as columns of `jobs`) is
 * migrated with nothing lost: every date becomes an appointment row linked
 * to its job, with the customer's contact data, and the job's D4 read model
 * still answers the same dates.
 */
describe('migration 20261201100000_one_appointment: jobs.appointment_at and estimate_at become appointment rows', () => {
  let db: Knex;
  beforeAll(async () => {
    db = await databaseMigratedTo('20261125110000_whatsapp');
  });
  afterAll(() => db?.destroy());

  it('moves every date, links bookings, keeps service appointments and their check-in links', async () => {
    const [company] = await db('companies').insert({ name: 'Old Shop' }).returning('id');
    const [location] = await db('locations')
      .insert({ company_id: company.id, slug: `old-${randomUUID().slice(0, 6)}`, name: 'Old Shop Ghent', address: '', phone: '', time_zone: 'Europe/Brussels', slot_minutes: 30 })
      .returning('*');
    const customer = async (first_name: string) =>
      (await db('customers').insert({ company_id: company.id, first_name, last_name: 'Old', email: `${first_name}@old.test`, phone: '+32 470 11 22 33', language: 'nl' }).returning('id'))[0].id as number;
    const vehicle = async (customerId: number, plate: string) =>
      (await db('vehicles').insert({ customer_id: customerId, plate, plate_normalized: plate.replace(/-/g, '') }).returning('id'))[0].id as number;
    const job = async (number: string, customerId: number, vehicleId: number, columns: Record<string, unknown>) =>
      (await db('jobs').insert({ company_id: company.id, location_id: location.id, job_number: number, customer_id: customerId, vehicle_id: vehicleId, ...columns }).returning('id'))[0].id as number;

    const soon = new Date(Date.now() + 5 * DAY);
    const later = new Date(Date.now() + 9 * DAY);
    const past = new Date(Date.now() - 2 * DAY);
    const ann = await customer('ann');
    const estimateJob = await job('9001', ann, await vehicle(ann, '1-OLD-001'), { source: 'portal', estimate_at: soon });
    const bookingId = randomUUID();
    await db('bookings').insert({
      id: bookingId, kind: 'estimate', location_id: location.id, slot_start: soon, slot_end: new Date(soon.getTime() + 45 * 60_000), status: 'confirmed',
      first_name: 'ann', last_name: 'Old', email: 'ann@old.test', gdpr_consent_at: new Date(), plate: '1-OLD-001', job_id: estimateJob,
    });
    const bob = await customer('bob');
    const repairJob = await job('9002', bob, await vehicle(bob, '1-OLD-002'), { step: 'appointment', appointment_at: later });
    const cas = await customer('cas');
    const inJob = await job('9003', cas, await vehicle(cas, '1-OLD-003'), { step: 'vehicle_in', on_site: true, appointment_at: past, vehicle_in_at: past });
    const dirk = await customer('dirk');
    const bareJob = await job('9004', dirk, await vehicle(dirk, '1-OLD-004'), {});
    const [service] = await db('appointments')
      .insert({ company_id: company.id, location_id: location.id, starts_at: later, ends_at: new Date(later.getTime() + HOUR), customer_id: dirk, first_name: 'Dirk', email: 'dirk@old.test' })
      .returning('id');
    await db('checkin_links').insert({ token_hash: 'old-link', appointment_id: service.id });

    await migrate(db);

    const rows = await db('appointments').orderBy('id').select('kind', 'status', 'job_id', 'booking_id', 'starts_at', 'ends_at', 'customer_id', 'vehicle_id', 'email', 'language', 'location_id');
    expect(rows).toHaveLength(4);
    const byJob = (jobId: number | null) => rows.filter((row) => row.job_id === jobId);
    expect(byJob(null)).toEqual([expect.objectContaining({ kind: 'service', status: 'planned', email: 'dirk@old.test' })]);
    expect(byJob(estimateJob)).toEqual([
      expect.objectContaining({ kind: 'estimate', status: 'planned', booking_id: bookingId, starts_at: soon, ends_at: new Date(soon.getTime() + 45 * 60_000), customer_id: ann, email: 'ann@old.test', language: 'nl' }),
    ]);
    expect(byJob(repairJob)).toEqual([
      expect.objectContaining({ kind: 'repair', status: 'planned', booking_id: null, starts_at: later, ends_at: new Date(later.getTime() + 30 * 60_000), customer_id: bob, location_id: location.id }),
    ]);
    expect(byJob(inJob)).toEqual([expect.objectContaining({ kind: 'repair', status: 'done', starts_at: past })]);
    expect(byJob(bareJob)).toEqual([]);
    expect(await db('checkin_links').where({ token_hash: 'old-link' }).first('appointment_id')).toEqual({ appointment_id: service.id });

    // The columns are gone; the D4 read model answers the same dates from the rows.
    expect(await db.schema.hasColumn('jobs', 'appointment_at')).toBe(false);
    expect(await db.schema.hasColumn('jobs', 'estimate_at')).toBe(false);
    expect((await findJobState(db, repairJob))!.appointment_at).toEqual(later);
    expect((await findJobState(db, inJob))!.appointment_at).toEqual(past);
    expect((await findJobState(db, bareJob))!.appointment_at).toBeNull();
  });
});
