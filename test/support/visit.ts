import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { phoneColumns } from '../../db/customers';
import { addAppointmentLink } from '../../db/appointmentLinks';
import type { Location } from '../../db/locations';
import { hashToken } from '../../lib/tokens';
import { uniqueEmail, uniquePlate } from './fixtures';

/** A manage link (B1) to an appointment: its token, as the confirmation carries it. */
export async function manageLink(db: Knex, appointmentId: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await addAppointmentLink(db, appointmentId, hashToken(token));
  return token;
}

/**
 * A planned appointment of `kind` (no job) for a customer of its own with a
 * vehicle, written straight into the database, with its manage link.
 */
export async function visitWithLink(
  db: Knex,
  location: Pick<Location, 'id' | 'company_id'>,
  startsAt: Date,
  options: { kind?: 'estimate' | 'service'; minutes?: number; lastName?: string } = {},
) {
  const email = uniqueEmail('visit');
  const [customer] = await db('customers')
    .insert({ company_id: location.company_id, first_name: 'Lotte', last_name: options.lastName ?? 'Claes', email, ...phoneColumns('0470 22 22 22') })
    .returning('*');
  const plate = uniquePlate();
  const [vehicle] = await db('vehicles')
    .insert({ company_id: location.company_id, customer_id: customer.id, plate, plate_normalized: plate.replace(/[^A-Z0-9]/g, ''), make: 'Skoda', model: 'Octavia' })
    .returning('id');
  const [appointment] = await db('appointments')
    .insert({
      company_id: location.company_id,
      location_id: location.id,
      kind: options.kind ?? 'service',
      status: 'planned',
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + (options.minutes ?? 60) * 60_000),
      customer_id: customer.id,
      first_name: 'Lotte',
      last_name: options.lastName ?? 'Claes',
      email,
      phone: '0470 22 22 22',
      language: 'en',
      vehicle_id: vehicle.id,
      services: ['Oil change'],
    })
    .returning('*');
  return { customer, appointment, plate, email, token: await manageLink(db, appointment.id) };
}
