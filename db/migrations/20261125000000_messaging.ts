import type { Knex } from 'knex';

// Messaging (M2, M9, later C1/W1): every message to a customer, e-mail or
// SMS, is written to the sent_messages outbox first ('queued', with its text)
// and delivered by a workflow; 'failed' records a permanent refusal. SMS of
// the development provider land in sms_outbox. Companies may replace the
// built-in message texts (lib/messageTemplates.ts) per purpose, channel and
// language in message_templates.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sent_messages', (t) => {
    t.text('body');
    t.text('html');
    // A deleted lead or appointment keeps its log of what the customer was told.
    t.integer('lead_id').references('leads.id').onDelete('SET NULL');
    t.integer('appointment_id').references('appointments.id').onDelete('SET NULL');
    t.text('error');
  });
  // No check existed: 'sending' (the claim of a direct send) and 'sent' were the only values written.
  await knex.raw(`alter table sent_messages add constraint sent_messages_status check (status in ('queued', 'sending', 'sent', 'failed'))`);
  await knex.raw(`alter table sent_messages add constraint sent_messages_channel check (channel in ('email', 'sms'))`);
  await knex.raw(`create index sent_messages_lead on sent_messages (lead_id) where lead_id is not null`);
  await knex.raw(`create index sent_messages_appointment on sent_messages (appointment_id) where appointment_id is not null`);

  // What the development SMS provider would have sent; reference = the outbox key, so a retry stores nothing twice.
  await knex.schema.createTable('sms_outbox', (t) => {
    t.increments('id');
    t.text('recipient').notNullable();
    t.text('sender').notNullable();
    t.text('body').notNullable();
    t.text('reference').unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // A company's own text for one purpose × channel × language; no row means the built-in text.
  // Purposes are not constrained here: a new one ships with its built-in texts in code.
  await knex.schema.createTable('message_templates', (t) => {
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.text('purpose').notNullable();
    t.text('channel').notNullable();
    t.text('language').notNullable();
    t.text('subject').notNullable().defaultTo('');
    t.text('body').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('staff_users.id').onDelete('SET NULL');
    t.primary(['company_id', 'purpose', 'channel', 'language']);
  });
  await knex.raw(`alter table message_templates add constraint message_templates_channel check (channel in ('email', 'sms'))`);
  await knex.raw(`alter table message_templates add constraint message_templates_language check (language in ('en', 'nl', 'fr', 'de'))`);
  await knex.raw(
    `alter table message_templates add constraint message_templates_filled check (
      length(btrim(body)) between 1 and 10000
      and case channel when 'email' then length(btrim(subject)) between 1 and 200 else subject = '' end)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('message_templates');
  await knex.schema.dropTable('sms_outbox');
  await knex.raw('drop index sent_messages_appointment');
  await knex.raw('drop index sent_messages_lead');
  await knex.raw('alter table sent_messages drop constraint sent_messages_channel');
  await knex.raw('alter table sent_messages drop constraint sent_messages_status');
  await knex.schema.alterTable('sent_messages', (t) => t.dropColumns('body', 'html', 'lead_id', 'appointment_id', 'error'));
}
