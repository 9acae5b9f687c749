import type { Knex } from 'knex';

/**
 * One appointment model (issue 11, B1/B2): every visit to the shop is a row
 * of `appointments`, whatever booked it. Until now a job's repair appointment
 * (P4, staff jobs, D4) and its estimate slot (P2/P3) were timestamps on the
 * job (`jobs.appointment_at`, `jobs.estimate_at`), unknown to check-in (C1),
 * reminders (W1) and the appointment overview. They become appointment rows
 * linked to their job, and the two columns go.
 *
 * - kind: 'estimate' (an estimate slot), 'repair' (the job's D4 appointment),
 *   'service' (a service appointment from a lead, M2, or typed by staff).
 * - job_id: the job the visit is for, where there is one; a job has at most
 *   one repair appointment that is not cancelled (D4 knows one date).
 * - booking_id: the portal booking that made it (estimate, repair).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appointments', (t) => {
    t.text('kind').notNullable().defaultTo('service');
    t.integer('job_id').references('jobs.id');
    t.uuid('booking_id').references('bookings.id');
    t.index(['job_id']);
  });
  await knex.raw(`alter table appointments add constraint appointments_kind check (kind in ('estimate', 'repair', 'service'))`);
  await knex.raw(`create unique index appointments_one_repair_per_job on appointments (job_id) where kind = 'repair' and status <> 'cancelled'`);
  await knex.raw(`create unique index appointments_one_per_booking on appointments (booking_id) where booking_id is not null`);
  await knex.raw(`create index appointments_location_kind_start on appointments (location_id, kind, starts_at) where status = 'planned'`);

  // The visit's length where the job never had one: the location's slot length. Visits that
  // happened (the vehicle came in, the estimate slot passed) are 'done'.
  const copy = (kind: 'estimate' | 'repair', column: string, end: string, booking: string, done: string) =>
    knex.raw(
      `insert into appointments (company_id, location_id, kind, status, starts_at, ends_at, customer_id, vehicle_id,
                                 first_name, last_name, email, phone, language, job_id, booking_id, created_at, updated_at)
       select j.company_id, j.location_id, '${kind}',
              case when ${done} then 'done' else 'planned' end,
              j.${column}, ${end}, j.customer_id, j.vehicle_id,
              c.first_name, c.last_name, c.email, c.phone, c.language, j.id, ${booking}, j.created_at, now()
         from jobs j
         join customers c on c.id = j.customer_id
         join locations l on l.id = j.location_id
        where j.${column} is not null`,
    );
  await copy(
    'estimate',
    'estimate_at',
    `coalesce((select b.slot_end from bookings b where b.job_id = j.id and b.kind = 'estimate' and b.slot_end > j.estimate_at limit 1),
              j.estimate_at + make_interval(mins => l.slot_minutes))`,
    `(select b.id from bookings b where b.job_id = j.id and b.kind = 'estimate' limit 1)`,
    `j.estimate_at < now()`,
  );
  await copy(
    'repair',
    'appointment_at',
    `j.appointment_at + make_interval(mins => l.slot_minutes)`,
    `(select b.id from bookings b where b.job_id = j.id and b.kind = 'repair' and b.status = 'confirmed' and b.slot_start = j.appointment_at limit 1)`,
    `j.vehicle_in_at is not null`,
  );

  await knex.schema.alterTable('jobs', (t) => t.dropColumns('appointment_at', 'estimate_at'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    t.timestamp('appointment_at', { useTz: true });
    t.timestamp('estimate_at', { useTz: true });
  });
  await knex.raw(
    `update jobs j set appointment_at = a.starts_at from appointments a where a.job_id = j.id and a.kind = 'repair' and a.status <> 'cancelled'`,
  );
  await knex.raw(`update jobs j set estimate_at = a.starts_at from appointments a where a.job_id = j.id and a.kind = 'estimate'`);
  await knex.raw(`delete from appointments where kind <> 'service'`);
  await knex.raw('drop index if exists appointments_location_kind_start');
  await knex.raw('drop index if exists appointments_one_per_booking');
  await knex.raw('drop index if exists appointments_one_repair_per_job');
  await knex.raw('alter table appointments drop constraint if exists appointments_kind');
  await knex.schema.alterTable('appointments', (t) => t.dropColumns('kind', 'job_id', 'booking_id'));
}
