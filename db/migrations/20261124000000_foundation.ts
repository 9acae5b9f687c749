import type { Knex } from 'knex';

// Foundation schema (P1-P3, D1): company, locations, estimate hours, staff,
// customers, vehicles, jobs, bookings, photos and the outbox of sent messages.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('companies', (t) => {
    t.increments('id');
    t.text('name').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('locations', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id');
    t.text('slug').notNullable().unique();
    t.text('name').notNullable();
    t.text('address').notNullable().defaultTo('');
    t.text('phone').notNullable().defaultTo('');
    t.text('email').notNullable().defaultTo('');
    t.text('time_zone').notNullable().defaultTo('Europe/Brussels');
    t.boolean('portal_enabled').notNullable().defaultTo(true);
    t.boolean('show_book_estimate').notNullable().defaultTo(true);
    t.boolean('show_book_repair').notNullable().defaultTo(true);
    t.boolean('show_follow_repair').notNullable().defaultTo(true);
    t.boolean('show_add_photos').notNullable().defaultTo(true);
    t.integer('slot_minutes').notNullable().defaultTo(30);
    t.integer('slot_capacity').notNullable().defaultTo(1);
    t.integer('booking_horizon_days').notNullable().defaultTo(14);
    t.integer('booking_lead_minutes').notNullable().defaultTo(60);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table locations add constraint locations_slot_minutes check (slot_minutes between 5 and 480)`);
  await knex.raw(`alter table locations add constraint locations_slot_capacity check (slot_capacity between 1 and 100)`);

  // Estimate opening hours in the location's local wall-clock time; several
  // intervals per weekday (a lunch break is two intervals). ISO weekday 1 = Monday.
  await knex.schema.createTable('estimate_hours', (t) => {
    t.increments('id');
    t.integer('location_id').notNullable().references('locations.id').onDelete('CASCADE');
    t.smallint('weekday').notNullable();
    t.time('opens_at').notNullable();
    t.time('closes_at').notNullable();
    t.index(['location_id', 'weekday']);
  });
  await knex.raw(`alter table estimate_hours add constraint estimate_hours_weekday check (weekday between 1 and 7)`);
  await knex.raw(`alter table estimate_hours add constraint estimate_hours_order check (opens_at < closes_at)`);

  await knex.schema.createTable('staff_users', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id');
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('password_hash').notNullable();
    t.text('role').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`create unique index staff_users_email on staff_users (lower(email))`);
  await knex.raw(
    `alter table staff_users add constraint staff_users_role check (role in ('admin', 'service_advisor', 'receptionist', 'mechanic'))`,
  );

  // Sessions for staff and for customers' wizards (connect-pg-simple's layout).
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid').primary();
    t.json('sess').notNullable();
    t.timestamp('expire', { precision: 6, useTz: false }).notNullable().index();
  });

  // Rate-limit counters shared by every web replica (express-rate-limit store).
  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').primary();
    t.integer('hits').notNullable();
    t.timestamp('reset_at', { useTz: true }).notNullable().index();
  });

  await knex.schema.createTable('customers', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id');
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.text('email').notNullable().defaultTo('');
    t.text('phone').notNullable().defaultTo('');
    t.text('language').notNullable().defaultTo('en');
    t.timestamp('gdpr_consent_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`create index customers_email on customers (company_id, lower(email))`);

  await knex.schema.createTable('vehicles', (t) => {
    t.increments('id');
    t.integer('customer_id').references('customers.id');
    t.text('plate').notNullable();
    // Upper-case letters and digits only: "1-abc-234", "1 ABC 234" and "1ABC234" are one plate.
    t.text('plate_normalized').notNullable().index();
    t.text('make').notNullable().defaultTo('');
    t.text('model').notNullable().defaultTo('');
    t.text('vin').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.raw(`create sequence job_number_seq start 1001`);
  await knex.schema.createTable('jobs', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id');
    t.integer('location_id').notNullable().references('locations.id');
    t.text('job_number').notNullable().unique();
    t.integer('customer_id').notNullable().references('customers.id');
    t.integer('vehicle_id').notNullable().references('vehicles.id');
    t.text('source').notNullable().defaultTo('staff');
    t.timestamp('estimate_at', { useTz: true });
    t.text('notes').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // A booking is a customer's request for a slot. 'pending' while the
  // workflow places the hold, 'held' while the e-mail link is valid, then
  // 'confirmed' (job created), 'expired' (hold released) or 'slot_taken'.
  await knex.schema.createTable('bookings', (t) => {
    t.uuid('id').primary();
    t.text('kind').notNullable().defaultTo('estimate');
    t.integer('location_id').notNullable().references('locations.id');
    t.timestamp('slot_start', { useTz: true }).notNullable();
    t.timestamp('slot_end', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.text('language').notNullable().defaultTo('en');
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.text('email').notNullable();
    t.text('phone').notNullable().defaultTo('');
    t.timestamp('gdpr_consent_at', { useTz: true }).notNullable();
    t.text('plate').notNullable();
    t.text('make').notNullable().defaultTo('');
    t.text('model').notNullable().defaultTo('');
    t.text('token_hash').unique();
    t.timestamp('expires_at', { useTz: true });
    t.integer('job_id').references('jobs.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('confirmed_at', { useTz: true });
    t.index(['location_id', 'slot_start', 'status']);
  });
  await knex.raw(
    `alter table bookings add constraint bookings_status check (status in ('pending', 'held', 'confirmed', 'expired', 'slot_taken'))`,
  );
  await knex.raw(`create unique index jobs_one_per_booking on bookings (job_id) where job_id is not null`);

  // Photos belong first to a booking draft, then to the job it becomes.
  await knex.schema.createTable('photos', (t) => {
    t.uuid('id').primary();
    t.uuid('booking_id').references('bookings.id');
    t.integer('job_id').references('jobs.id');
    t.text('original_name').notNullable().defaultTo('');
    t.text('content_type').notNullable();
    t.integer('size_bytes').notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.text('path').notNullable();
    t.text('thumbnail_path').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['job_id']);
    t.index(['booking_id']);
  });

  // Outbox: one row per message a process means to send, keyed so that a
  // retried activity finds the row and sends nothing twice.
  await knex.schema.createTable('sent_messages', (t) => {
    t.increments('id');
    t.text('idempotency_key').notNullable().unique();
    t.text('channel').notNullable().defaultTo('email');
    t.text('kind').notNullable();
    t.text('recipient').notNullable();
    t.text('subject').notNullable().defaultTo('');
    t.text('status').notNullable().defaultTo('sending');
    t.text('provider_message_id');
    t.uuid('booking_id').references('bookings.id');
    t.integer('job_id').references('jobs.id');
    t.integer('customer_id').references('customers.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'sent_messages',
    'photos',
    'bookings',
    'jobs',
    'vehicles',
    'customers',
    'rate_limits',
    'sessions',
    'staff_users',
    'estimate_hours',
    'locations',
    'companies',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('drop sequence if exists job_number_seq');
}
