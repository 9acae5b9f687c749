import type { Knex } from 'knex';

/**
 * The aftersales board (W1-W9, B2): what a card shows beyond the appointment
 * and its job, the per-company change log the open boards replay from, the
 * customer conversations and their inbound messages, and the backchannel.
 *
 * A card's column is not stored: it is its job's D4 step (lib/board.ts), so
 * board and job can never disagree. `waiting_customer` is the new D4 step.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table jobs drop constraint jobs_step`);
  await knex.raw(
    `alter table jobs add constraint jobs_step check (step in ('new', 'appointment', 'vehicle_in', 'work_started', 'waiting_customer', 'finished', 'picked_up'))`,
  );

  await knex.schema.alterTable('appointments', (t) => {
    // W7: a colour label, one of lib/board.ts cardColors; null is none.
    t.text('color');
    // What the planner (or staff) says will be done: "oil service, air-co check".
    t.text('work_description').notNullable().defaultTo('');
    // W2: the planning system the appointment came from and its id there (API push, CSV).
    t.text('external_source');
    t.text('external_id');
  });
  await knex.raw(
    `alter table appointments add constraint appointments_color check (color is null or color in ('red', 'orange', 'yellow', 'green', 'blue', 'purple', 'grey'))`,
  );
  await knex.raw(
    `create unique index appointments_external on appointments (company_id, external_source, external_id) where external_id is not null`,
  );
  // The board reads a location's day: planned and done visits that are not estimates.
  await knex.raw(`create index appointments_board on appointments (location_id, starts_at) where kind <> 'estimate' and status <> 'cancelled'`);

  // Every change a board shows, in order: the SSE event id an open board resumes from (Last-Event-ID).
  await knex.schema.createTable('board_events', (t) => {
    t.bigIncrements('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.integer('location_id').notNullable().references('locations.id').onDelete('CASCADE');
    t.integer('appointment_id').notNullable().references('appointments.id').onDelete('CASCADE');
    // moved | job | message | read | comment | color | imported | changed
    t.text('change').notNullable();
    // the column the card is in after the change, for "moved to Ready by Jan 3 s ago"
    t.text('board_column');
    t.integer('staff_id').references('staff_users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['company_id', 'id']);
    t.index(['appointment_id', 'id']);
  });

  // W4/W5: one conversation per customer and channel (sms, whatsapp); its workflow is conversation-<id>.
  await knex.schema.createTable('conversations', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.integer('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.text('channel').notNullable();
    // the customer's number as E.164
    t.text('address').notNullable();
    t.timestamp('last_inbound_at', { useTz: true });
    t.timestamp('last_outbound_at', { useTz: true });
    // W5: opened by staff after the last inbound message = read
    t.timestamp('read_at', { useTz: true });
    t.integer('read_by').references('staff_users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['customer_id', 'channel']);
    t.index(['company_id', 'address']);
  });
  await knex.raw(`alter table conversations add constraint conversations_channel check (channel in ('sms', 'whatsapp'))`);

  // W5: what customers wrote, by the provider's webhook; the same provider id twice is one message.
  await knex.schema.createTable('inbound_messages', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.integer('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.integer('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.text('channel').notNullable();
    t.text('sender').notNullable();
    t.text('body').notNullable();
    t.text('provider_message_id').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['channel', 'provider_message_id']);
    t.index(['customer_id', 'received_at']);
  });

  // W6: internal comments on a card, never sent to the customer.
  await knex.schema.createTable('appointment_comments', (t) => {
    t.increments('id');
    t.integer('appointment_id').notNullable().references('appointments.id').onDelete('CASCADE');
    t.integer('staff_id').references('staff_users.id').onDelete('SET NULL');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['appointment_id', 'id']);
  });

  // W8: the locations a staff member's board shows, remembered across logins; null = all of the company's.
  await knex.schema.alterTable('staff_users', (t) => {
    t.specificType('board_locations', 'integer[]');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('staff_users', (t) => t.dropColumn('board_locations'));
  await knex.schema.dropTable('appointment_comments');
  await knex.schema.dropTable('inbound_messages');
  await knex.schema.dropTable('conversations');
  await knex.schema.dropTable('board_events');
  await knex.raw(`drop index appointments_board`);
  await knex.raw(`drop index appointments_external`);
  await knex.raw(`alter table appointments drop constraint appointments_color`);
  await knex.schema.alterTable('appointments', (t) => t.dropColumns('color', 'work_description', 'external_source', 'external_id'));
  await knex.raw(`update jobs set step = 'work_started' where step = 'waiting_customer'`);
  await knex.raw(`alter table jobs drop constraint jobs_step`);
  await knex.raw(`alter table jobs add constraint jobs_step check (step in ('new', 'appointment', 'vehicle_in', 'work_started', 'finished', 'picked_up'))`);
}
