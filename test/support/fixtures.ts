import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { Knex } from 'knex';
import type { Location } from '../../db/locations';
import type { RepairLocation } from '../../db/repairBookings';
import type { Role } from '../../db/staff';

export interface LocationFixture {
  companyId: number;
  location: Location;
}

/** A company with one portal location open every day, all day, so tests always find slots. */
export async function createLocation(
  db: Knex,
  overrides: Partial<RepairLocation> & { companyId?: number; hours?: boolean } = {},
): Promise<LocationFixture> {
  const { companyId: existingCompany, hours = true, ...columns } = overrides;
  let companyId = existingCompany;
  if (!companyId) [{ id: companyId }] = await db('companies').insert({ name: `Company ${randomUUID().slice(0, 6)}` }).returning('id');
  const [location] = await db('locations')
    .insert({
      company_id: companyId,
      slug: `loc-${randomUUID().slice(0, 8)}`,
      name: 'Test Body Shop',
      address: 'Teststraat 1, 9000 Gent',
      phone: '+32 9 000 00 00',
      time_zone: 'Europe/Brussels',
      slot_minutes: 30,
      slot_capacity: 1,
      booking_lead_minutes: 0,
      booking_horizon_days: 3,
      ...columns,
    })
    .returning('*');
  if (hours) {
    await db('estimate_hours').insert(
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ location_id: location.id, weekday, opens_at: '00:00', closes_at: '23:30' })),
    );
  }
  return { companyId: companyId!, location };
}

export async function createStaff(db: Knex, companyId: number, role: Role, password = 'correct horse battery'): Promise<{ email: string; password: string }> {
  const email = `${role}-${randomUUID().slice(0, 6)}@example.test`;
  await db('staff_users').insert({ company_id: companyId, email, name: `Test ${role}`, role, password_hash: await hash(password) });
  return { email, password };
}

export const uniqueEmail = (prefix = 'customer') => `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
export const uniquePlate = () => `T-${randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase()}`;

export interface JobFixture {
  id: number;
  job_number: string;
  plate: string;
  location_slug: string;
}

/** A job as staff would create it: customer, vehicle, job, nothing scheduled yet. */
export async function createJob(db: Knex, location: Location, plate = uniquePlate()): Promise<JobFixture> {
  const [customer] = await db('customers')
    .insert({ company_id: location.company_id, first_name: 'Karel', last_name: 'Janssens', email: uniqueEmail('job') })
    .returning('id');
  const [vehicle] = await db('vehicles')
    .insert({ company_id: location.company_id, customer_id: customer.id, plate, plate_normalized: plate.toUpperCase().replace(/[^A-Z0-9]/g, ''), make: 'Peugeot', model: '208' })
    .returning('id');
  const {
    rows: [{ next }],
  } = await db.raw(`select nextval('job_number_seq') as next`);
  const [job] = await db('jobs')
    .insert({
      company_id: location.company_id,
      location_id: location.id,
      job_number: String(next),
      customer_id: customer.id,
      vehicle_id: vehicle.id,
      source: 'staff',
    })
    .returning(['id', 'job_number']);
  return { id: job.id, job_number: job.job_number, plate, location_slug: location.slug };
}

/** A New lead as the request form stores it (with its first history row), with whatever a test needs changed. */
export async function insertLead(db: Knex, companyId: number, locationId: number, fields: Record<string, unknown> = {}): Promise<number> {
  const [{ id }] = await db('leads')
    .insert({
      company_id: companyId,
      location_id: locationId,
      desired_date: '2026-12-01',
      time_window: 'morning',
      services: ['Oil change'],
      first_name: 'Marie',
      last_name: 'Janssens',
      email: uniqueEmail('lead'),
      phone: '+32 470 12 34 56',
      gdpr_consent_at: new Date(),
      plate: '1-LEA-001',
      ...fields,
    })
    .returning('id');
  await db('lead_events').insert({ lead_id: id, from_status: null, to_status: 'new' });
  return id;
}
