import type { Knex } from 'knex';

/** An appointment as its check-in messages need it (C1, W1, D2). */
export interface CheckinAppointment {
  id: number;
  company_id: number;
  status: 'planned' | 'cancelled' | 'done';
  starts_at: Date;
  customer_id: number | null;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  language: string;
  plate: string;
  time_zone: string;
  location_name: string;
  location_phone: string;
  /** the customer's choice (cash-sale customers: e-mail) */
  preferred_channel: 'email' | 'sms';
  sms_enabled: boolean;
  whatsapp_enabled: boolean;
}

export async function checkinAppointment(db: Knex, id: number): Promise<CheckinAppointment | undefined> {
  return db('appointments as a')
    .join('locations as l', 'l.id', 'a.location_id')
    .join('companies as co', 'co.id', 'a.company_id')
    .leftJoin('customers as c', 'c.id', 'a.customer_id')
    .leftJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .where('a.id', id)
    .first<CheckinAppointment>(
      'a.id', 'a.company_id', 'a.status', 'a.starts_at', 'a.customer_id', 'a.first_name', 'a.last_name', 'a.email', 'a.phone',
      'a.language', 'l.time_zone', 'l.name as location_name', 'l.phone as location_phone', 'co.sms_enabled', 'co.whatsapp_enabled',
      db.raw(`coalesce(v.plate, a.walk_in_plate) as plate`),
      db.raw(`case when c.is_cash_sale then 'email' else coalesce(c.preferred_channel, 'email') end as preferred_channel`),
    );
}

/** One more link to the appointment's check-in (by its token's hash); earlier links stay valid. */
export async function addCheckinLink(db: Knex, appointmentId: number, hash: string): Promise<void> {
  await db('checkin_links').insert({ token_hash: hash, appointment_id: appointmentId }).onConflict('token_hash').ignore();
}

/** Planned appointments still to come, for making sure each has its check-in workflow. */
export async function upcomingAppointments(db: Knex, now = new Date()): Promise<{ id: number }[]> {
  return db('appointments').where({ status: 'planned' }).where('starts_at', '>', now).orderBy('id').select('id');
}
