import type { Knex } from 'knex';

/**
 * B2, the customer timeline (db/customerTimeline.ts): every source is found
 * by the customer's id, or by the ids of the customer's jobs, appointments,
 * leads and bookings; none of those foreign keys had an index. Leads and
 * bookings not tied to a customer record are found by customer number or
 * e-mail address within the company. (customer_events and lead_events
 * already have theirs; appointments.lead_id and booking_id are unique.)
 * `if not exists`: the customer master (20261201000000) may index the same.
 */
const indexes = [
  `create index if not exists jobs_customer_created on jobs (customer_id, created_at)`,
  `create index if not exists appointments_customer_created on appointments (customer_id, created_at) where customer_id is not null`,
  `create index if not exists vehicles_customer_id on vehicles (customer_id) where customer_id is not null`,
  `create index if not exists bookings_job on bookings (job_id) where job_id is not null`,
  `create index if not exists bookings_unmatched_email on bookings (lower(email)) where job_id is null`,
  `create index if not exists leads_customer_number on leads (company_id, customer_number) where customer_number is not null`,
  `create index if not exists leads_email on leads (company_id, lower(email))`,
  `create index if not exists sent_messages_customer_created on sent_messages (customer_id, created_at) where customer_id is not null`,
  `create index if not exists sent_messages_job on sent_messages (job_id) where job_id is not null`,
  `create index if not exists sent_messages_booking on sent_messages (booking_id) where booking_id is not null`,
];

export async function up(knex: Knex): Promise<void> {
  for (const statement of indexes) await knex.raw(statement);
}

export async function down(knex: Knex): Promise<void> {
  for (const name of [
    'sent_messages_booking',
    'sent_messages_job',
    'sent_messages_customer_created',
    'leads_email',
    'leads_customer_number',
    'bookings_unmatched_email',
    'bookings_job',
    'vehicles_customer_id',
    'appointments_customer_created',
    'jobs_customer_created',
  ]) {
    await knex.raw(`drop index if exists ${name}`);
  }
}
