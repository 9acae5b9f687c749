import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { hashToken } from '../../lib/tokens';
import type { Location } from '../../db/locations';
import { uniqueEmail, uniquePlate } from './fixtures';

export interface AppointmentWithLinkOptions {
  /** the customer's own columns over Marie Peeters' (e.g. the shared cash-sale customer) */
  customer?: Record<string, unknown>;
  /** the appointment's e-mail address; the customer's too unless `customer` says otherwise */
  email?: string;
  language?: string;
  status?: string;
}

/**
 * A planned appointment three days ahead for Marie Peeters' Volvo, written
 * straight into the database, with a check-in link (its token answered) and
 * two planned work lines: Maintenance €189.50, Brake pads front €120.00
 * ("Worn to 2 mm").
 */
export async function appointmentWithCheckinLink(db: Knex, location: Pick<Location, 'id' | 'company_id'>, options: AppointmentWithLinkOptions = {}) {
  const email = options.email ?? uniqueEmail('checkin');
  const [customer] = await db('customers')
    .insert({ company_id: location.company_id, first_name: 'Marie', last_name: 'Peeters', email, phone: '0470 11 11 11', customer_number: '10001', ...options.customer })
    .returning('*');
  const plate = uniquePlate();
  // A VIN of its own: the vehicle master holds each VIN once per company (db/vehicles.ts).
  const vin = `YV1ZW25UDL${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`;
  const [vehicle] = await db('vehicles')
    .insert({ company_id: location.company_id, customer_id: customer.id, plate, plate_normalized: plate.replace(/[^A-Z0-9]/g, ''), make: 'Volvo', model: 'V60', vin })
    .returning('id');
  const token = randomBytes(32).toString('base64url');
  const startsAt = new Date(Date.now() + 3 * 86_400_000);
  const [appointment] = await db('appointments')
    .insert({
      company_id: location.company_id,
      location_id: location.id,
      status: options.status ?? 'planned',
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 3_600_000),
      customer_id: customer.id,
      first_name: 'Marie',
      last_name: 'Peeters',
      email,
      phone: '0470 11 11 11',
      language: options.language ?? 'en',
      vehicle_id: vehicle.id,
    })
    .returning('*');
  await db('checkin_links').insert({ appointment_id: appointment.id, token_hash: hashToken(token) });
  await db('appointment_work_lines').insert([
    { appointment_id: appointment.id, position: 1, description: 'Maintenance', price_cents: 18950 },
    { appointment_id: appointment.id, position: 2, description: 'Brake pads front', remarks: 'Worn to 2 mm', price_cents: 12000 },
  ]);
  return { customer, appointment, plate, vin, token };
}
