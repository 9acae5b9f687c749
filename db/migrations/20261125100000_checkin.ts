import type { Knex } from 'knex';

// Online check-in (C1-C8, W1, D2): appointments get planned work lines with
// prices incl. VAT; locations a catalogue of optional services; the customer's
// check-in answers are items (an optional service accepted or "contact me", a
// remark with files) that staff handle; customers a preferred channel; a
// communication log of what customers changed; WhatsApp as a third channel.
export async function up(knex: Knex): Promise<void> {
  // Planned work ("interventions") of an appointment; money as integer cents incl. VAT.
  await knex.schema.createTable('appointment_work_lines', (t) => {
    t.increments('id');
    t.integer('appointment_id').notNullable().references('appointments.id').onDelete('CASCADE');
    t.integer('position').notNullable().defaultTo(0);
    t.text('description').notNullable();
    t.text('remarks').notNullable().defaultTo('');
    t.integer('price_cents').notNullable().defaultTo(0); // incl. VAT
    t.text('currency').notNullable().defaultTo('EUR');
    // 'planned' by staff, or made from a check-in item (C7): 'service' or 'remark'.
    t.text('source').notNullable().defaultTo('planned');
    t.integer('checkin_item_id'); // FK added below, once checkin_items exists
    t.integer('created_by').references('staff_users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['appointment_id', 'position']);
  });
  await knex.raw(`alter table appointment_work_lines add constraint work_lines_price check (price_cents >= 0)`);
  await knex.raw(`alter table appointment_work_lines add constraint work_lines_source check (source in ('planned', 'service', 'remark'))`);

  // C2: optional services a location offers at check-in (car wash, interior cleaning...).
  await knex.schema.createTable('location_services', (t) => {
    t.increments('id');
    t.integer('location_id').notNullable().references('locations.id').onDelete('CASCADE');
    t.integer('position').notNullable().defaultTo(0);
    t.text('name').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.integer('price_cents').notNullable().defaultTo(0); // incl. VAT
    t.text('currency').notNullable().defaultTo('EUR');
    t.text('link').notNullable().defaultTo(''); // "more information", optional
    t.boolean('converts_to_intervention').notNullable().defaultTo(true);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['location_id', 'position']);
  });
  await knex.raw(`alter table location_services add constraint location_services_price check (price_cents >= 0)`);

  // The check-in of one appointment: when the customer finished it.
  await knex.schema.alterTable('appointments', (t) => {
    t.timestamp('checkin_completed_at', { useTz: true });
  });
  // Its links: each message (link, reminder, a resend after a move) carries its own token, all valid
  // until the appointment begins; only the hashes are kept, the tokens travel in the messages.
  await knex.schema.createTable('checkin_links', (t) => {
    t.text('token_hash').primary();
    t.integer('appointment_id').notNullable().references('appointments.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['appointment_id']);
  });

  // C3/C4: what the customer answered; staff handle each item (C7).
  await knex.schema.createTable('checkin_items', (t) => {
    t.increments('id');
    t.integer('appointment_id').notNullable().references('appointments.id').onDelete('CASCADE');
    t.text('kind').notNullable(); // 'service' | 'remark'
    // kind = 'service': which one, and the answer ('accepted' | 'contact_me'); name and price as offered then.
    t.integer('location_service_id').references('location_services.id').onDelete('SET NULL');
    t.text('answer');
    t.text('service_name').notNullable().defaultTo('');
    t.integer('price_cents');
    t.text('currency').notNullable().defaultTo('EUR');
    // kind = 'remark'
    t.text('subject').notNullable().defaultTo('');
    t.text('description').notNullable().defaultTo('');
    // C6: staff let mechanics see a remark and its files.
    t.boolean('visible_to_mechanics').notNullable().defaultTo(false);
    // C7: handled (converted, or an intervention added/cancelled from it).
    t.timestamp('handled_at', { useTz: true });
    t.integer('handled_by').references('staff_users.id');
    t.integer('work_line_id').references('appointment_work_lines.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['appointment_id']);
  });
  await knex.raw(`alter table checkin_items add constraint checkin_items_kind check (kind in ('service', 'remark'))`);
  await knex.raw(`alter table checkin_items add constraint checkin_items_answer check ((kind = 'service' and answer in ('accepted', 'contact_me')) or (kind = 'remark' and answer is null))`);
  // One answer per offered service per appointment.
  await knex.raw(`create unique index checkin_items_one_per_service on checkin_items (appointment_id, location_service_id) where kind = 'service'`);
  // C5: "unhandled items" per appointment, fast.
  await knex.raw(`create index checkin_items_unhandled on checkin_items (appointment_id) where handled_at is null`);
  await knex.raw(`alter table appointment_work_lines add constraint work_lines_checkin_item foreign key (checkin_item_id) references checkin_items (id) on delete set null`);

  // C4: photos and short videos with a remark.
  await knex.schema.createTable('checkin_files', (t) => {
    t.increments('id');
    t.integer('checkin_item_id').notNullable().references('checkin_items.id').onDelete('CASCADE');
    t.text('kind').notNullable(); // 'photo' | 'video'
    t.text('stored_name').notNullable(); // under UPLOAD_DIR
    t.text('original_name').notNullable().defaultTo('');
    t.text('mime_type').notNullable();
    t.integer('size_bytes').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table checkin_files add constraint checkin_files_kind check (kind in ('photo', 'video'))`);

  // C1/W1: how a customer wants to hear from the workshop.
  await knex.schema.alterTable('customers', (t) => {
    t.text('preferred_channel').notNullable().defaultTo('email');
  });
  await knex.raw(`alter table customers add constraint customers_preferred_channel check (preferred_channel in ('email', 'sms'))`);

  // The communication log's other half: what a customer changed themselves (C2), or told us.
  await knex.schema.createTable('customer_events', (t) => {
    t.increments('id');
    t.integer('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.integer('appointment_id').references('appointments.id').onDelete('SET NULL');
    t.text('kind').notNullable(); // 'contact_changed' | 'channel_changed' | 'checkin_completed' | ...
    t.jsonb('details').notNullable().defaultTo('{}'); // e.g. { field: 'phone', from: '...', to: '...' }
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id', 'at']);
  });

  // W1: a company switches WhatsApp reminders on (the provider is configured per deployment; the channel: 20261125110000).
  await knex.schema.alterTable('companies', (t) => {
    t.boolean('whatsapp_enabled').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('companies', (t) => t.dropColumn('whatsapp_enabled'));
  await knex.schema.dropTable('customer_events');
  await knex.raw(`alter table customers drop constraint customers_preferred_channel`);
  await knex.schema.alterTable('customers', (t) => t.dropColumn('preferred_channel'));
  await knex.schema.dropTable('checkin_files');
  await knex.raw(`alter table appointment_work_lines drop constraint work_lines_checkin_item`);
  await knex.schema.dropTable('checkin_items');
  await knex.schema.dropTable('checkin_links');
  await knex.schema.alterTable('appointments', (t) => t.dropColumn('checkin_completed_at'));
  await knex.schema.dropTable('location_services');
  await knex.schema.dropTable('appointment_work_lines');
}
