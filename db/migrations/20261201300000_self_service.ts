import type { Knex } from 'knex';

/**
 * B1: the customer's own link to move or cancel an appointment, and the .ics
 * that goes with every confirmation.
 *
 * - appointments.sequence: the iCalendar SEQUENCE, one more with every move,
 *   so a calendar that imported the earlier .ics replaces the event.
 * - appointment_links: the manage links (`/v/<token>`), only the token's hash
 *   is kept; every confirmation carries a new one, earlier ones stay valid.
 * - locations.self_service_cutoff_hours: until how long before the start the
 *   customer may move or cancel themselves (after that: call us).
 * - locations.service_daily_capacity: service appointments per day a
 *   customer may move into (counted over the planned ones).
 * - sent_messages.calendar: the .ics an e-mail carries (invite.ics), written
 *   at queue time like the text.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appointments', (t) => {
    t.integer('sequence').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('appointment_links', (t) => {
    t.text('token_hash').primary();
    t.integer('appointment_id').notNullable().references('appointments.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['appointment_id']);
  });
  await knex.schema.alterTable('locations', (t) => {
    t.integer('self_service_cutoff_hours').notNullable().defaultTo(24);
    t.integer('service_daily_capacity').notNullable().defaultTo(8);
  });
  await knex.raw('alter table locations add constraint locations_self_service_cutoff check (self_service_cutoff_hours between 0 and 720)');
  await knex.raw('alter table locations add constraint locations_service_daily_capacity check (service_daily_capacity between 1 and 500)');
  await knex.schema.alterTable('sent_messages', (t) => {
    t.text('calendar');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sent_messages', (t) => t.dropColumn('calendar'));
  await knex.raw('alter table locations drop constraint if exists locations_service_daily_capacity');
  await knex.raw('alter table locations drop constraint if exists locations_self_service_cutoff');
  await knex.schema.alterTable('locations', (t) => t.dropColumns('self_service_cutoff_hours', 'service_daily_capacity'));
  await knex.schema.dropTable('appointment_links');
  await knex.schema.alterTable('appointments', (t) => t.dropColumn('sequence'));
}
