import type { Knex } from 'knex';

// Online service booking and the lead manager (M1-M9, D3): the customer
// master gets numbers and addresses (duplicate search, M7), vehicles a VIN
// index (M8), and two new tables: leads (requests, with their status history)
// and appointments (service appointments; check-in, issue C, reuses them).
export async function up(knex: Knex): Promise<void> {
  // Fuzzy duplicate search (M7); pg_trgm is a trusted extension: the database owner may create it.
  await knex.raw('create extension if not exists pg_trgm');

  await knex.schema.alterTable('customers', (t) => {
    t.text('customer_number');
    t.text('street').notNullable().defaultTo('');
    t.text('postal_code').notNullable().defaultTo('');
    t.text('city').notNullable().defaultTo('');
    // M7 "cash-sale customer": one per company, chosen instead of a real customer.
    t.boolean('is_cash_sale').notNullable().defaultTo(false);
  });
  await knex.raw(`create unique index customers_number on customers (company_id, customer_number) where customer_number is not null`);
  await knex.raw(`create unique index customers_one_cash_sale on customers (company_id) where is_cash_sale`);
  await knex.raw(`create index customers_name_trgm on customers using gin ((lower(first_name || ' ' || last_name)) gin_trgm_ops)`);
  await knex.raw(`create index customers_phone on customers (company_id, regexp_replace(phone, '[^0-9]', '', 'g'))`);
  await knex.raw(`create index vehicles_vin on vehicles (upper(vin)) where vin <> ''`);

  await knex.schema.createTable('leads', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id');
    t.integer('location_id').notNullable().references('locations.id');
    t.text('status').notNullable().defaultTo('new');
    t.text('language').notNullable().defaultTo('en');
    // What the customer asked for.
    t.date('desired_date').notNullable();
    t.text('time_window').notNullable(); // 'morning' | 'afternoon' | 'any'
    t.specificType('services', 'text[]').notNullable().defaultTo('{}');
    t.text('remarks').notNullable().defaultTo('');
    // Who, as typed (the master is only changed when staff choose so, M7).
    t.text('customer_number');
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.text('email').notNullable();
    t.text('phone').notNullable().defaultTo('');
    t.text('street').notNullable().defaultTo('');
    t.text('postal_code').notNullable().defaultTo('');
    t.text('city').notNullable().defaultTo('');
    t.timestamp('gdpr_consent_at', { useTz: true }).notNullable();
    // Which vehicle, as typed.
    t.text('plate').notNullable();
    t.text('vin').notNullable().defaultTo('');
    t.text('make').notNullable().defaultTo('');
    t.text('model').notNullable().defaultTo('');
    t.integer('mileage');
    // The customer's cancel link (M3): the token travels only in the e-mail.
    t.text('cancel_token_hash').unique();
    t.integer('appointment_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['company_id', 'status', 'created_at']);
    t.index(['location_id', 'desired_date']);
  });
  await knex.raw(
    `alter table leads add constraint leads_status check (status in ('new', 'planned', 'rejected', 'cancelled', 'cancelled_by_customer'))`,
  );
  await knex.raw(`alter table leads add constraint leads_time_window check (time_window in ('morning', 'afternoon', 'any'))`);

  // Every status change of a lead, by whom (staff id, or null for the customer / the system).
  await knex.schema.createTable('lead_events', (t) => {
    t.increments('id');
    t.integer('lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    t.text('from_status');
    t.text('to_status').notNullable();
    t.integer('staff_id').references('staff_users.id');
    t.text('note').notNullable().defaultTo('');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['lead_id', 'at']);
  });

  await knex.schema.createTable('appointments', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id');
    t.integer('location_id').notNullable().references('locations.id');
    t.text('status').notNullable().defaultTo('planned');
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.integer('customer_id').references('customers.id');
    // The contact data used for this appointment (lead data, master data, or both, M7).
    t.text('first_name').notNullable().defaultTo('');
    t.text('last_name').notNullable().defaultTo('');
    t.text('email').notNullable().defaultTo('');
    t.text('phone').notNullable().defaultTo('');
    t.text('language').notNullable().defaultTo('en');
    // A vehicle from the master, or a walk-in vehicle described here (M8).
    t.integer('vehicle_id').references('vehicles.id');
    t.text('walk_in_plate').notNullable().defaultTo('');
    t.text('walk_in_vin').notNullable().defaultTo('');
    t.text('walk_in_make').notNullable().defaultTo('');
    t.text('walk_in_model').notNullable().defaultTo('');
    // M8: the master vehicle belongs to another customer.
    t.boolean('vehicle_owner_warning').notNullable().defaultTo(false);
    t.specificType('services', 'text[]').notNullable().defaultTo('{}');
    t.text('notes').notNullable().defaultTo('');
    t.integer('lead_id').references('leads.id');
    t.integer('created_by').references('staff_users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['location_id', 'starts_at']);
    t.index(['company_id', 'starts_at']);
  });
  await knex.raw(`alter table appointments add constraint appointments_status check (status in ('planned', 'cancelled', 'done'))`);
  await knex.raw(`alter table appointments add constraint appointments_order check (starts_at < ends_at)`);
  await knex.raw(`create unique index appointments_one_per_lead on appointments (lead_id) where lead_id is not null`);
  await knex.raw(`alter table leads add constraint leads_appointment foreign key (appointment_id) references appointments (id) on delete set null`);

  // M4: what each role may do, editable by admin. A missing row means the role's default.
  await knex.schema.createTable('role_permissions', (t) => {
    t.integer('company_id').notNullable().references('companies.id');
    t.text('role').notNullable();
    t.text('permission').notNullable();
    t.boolean('allowed').notNullable();
    t.primary(['company_id', 'role', 'permission']);
  });

  // Online service booking settings (M1, M5): per location.
  await knex.schema.alterTable('locations', (t) => {
    t.boolean('service_booking_enabled').notNullable().defaultTo(true);
    t.integer('lead_refresh_seconds').notNullable().defaultTo(60);
    t.specificType('service_catalogue', 'text[]').notNullable().defaultTo(knex.raw(`'{Maintenance,Oil change,Tyre change,Brakes,Air conditioning,Inspection}'`));
  });
  await knex.raw(`alter table locations add constraint locations_lead_refresh check (lead_refresh_seconds between 10 and 3600)`);
  // M5: the service advisors who take online requests ("acceptors").
  await knex.schema.alterTable('staff_users', (t) => {
    t.boolean('takes_online_requests').notNullable().defaultTo(false);
  });
  // Which channels a company may use to tell customers (SMS is enabled per company, M2).
  await knex.schema.alterTable('companies', (t) => {
    t.boolean('sms_enabled').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('companies', (t) => t.dropColumn('sms_enabled'));
  await knex.schema.alterTable('staff_users', (t) => t.dropColumn('takes_online_requests'));
  await knex.raw(`alter table locations drop constraint locations_lead_refresh`);
  await knex.schema.alterTable('locations', (t) => t.dropColumns('service_booking_enabled', 'lead_refresh_seconds', 'service_catalogue'));
  await knex.schema.dropTable('role_permissions');
  await knex.raw(`alter table leads drop constraint leads_appointment`);
  await knex.schema.dropTable('appointments');
  await knex.schema.dropTable('lead_events');
  await knex.schema.dropTable('leads');
  await knex.raw('drop index vehicles_vin');
  await knex.raw('drop index customers_phone');
  await knex.raw('drop index customers_name_trgm');
  await knex.raw('drop index customers_one_cash_sale');
  await knex.raw('drop index customers_number');
  await knex.schema.alterTable('customers', (t) => t.dropColumns('customer_number', 'street', 'postal_code', 'city', 'is_cash_sale'));
}
