import type { Knex } from 'knex';

// WhatsApp as a third channel (W1). WhatsApp delivers a message the business
// starts only as an approved template, so a queued WhatsApp message carries
// the template it goes out as (name, language, parameters) beside the text
// kept for the log. Messages of the development provider land in
// whatsapp_outbox. Companies may word the WhatsApp texts as their approved
// templates say (message_templates).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table sent_messages drop constraint sent_messages_channel`);
  await knex.raw(`alter table sent_messages add constraint sent_messages_channel check (channel in ('email', 'sms', 'whatsapp'))`);
  await knex.schema.alterTable('sent_messages', (t) => {
    t.jsonb('template'); // { name, language, parameters: string[] }
  });
  await knex.raw(`alter table sent_messages add constraint sent_messages_whatsapp_template check (channel <> 'whatsapp' or template is not null)`);

  // What the development WhatsApp provider would have sent; reference = the outbox key, so a retry stores nothing twice.
  await knex.schema.createTable('whatsapp_outbox', (t) => {
    t.increments('id');
    t.text('recipient').notNullable();
    t.text('template_name').notNullable();
    t.text('language').notNullable();
    t.jsonb('parameters').notNullable().defaultTo('[]');
    t.text('body').notNullable(); // the template's text as filled in
    t.text('reference').unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.raw(`alter table message_templates drop constraint message_templates_channel`);
  await knex.raw(`alter table message_templates add constraint message_templates_channel check (channel in ('email', 'sms', 'whatsapp'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex('message_templates').where({ channel: 'whatsapp' }).delete();
  await knex.raw(`alter table message_templates drop constraint message_templates_channel`);
  await knex.raw(`alter table message_templates add constraint message_templates_channel check (channel in ('email', 'sms'))`);
  await knex.schema.dropTable('whatsapp_outbox');
  await knex.raw(`alter table sent_messages drop constraint sent_messages_whatsapp_template`);
  await knex.schema.alterTable('sent_messages', (t) => t.dropColumn('template'));
  await knex('sent_messages').where({ channel: 'whatsapp' }).delete();
  await knex.raw(`alter table sent_messages drop constraint sent_messages_channel`);
  await knex.raw(`alter table sent_messages add constraint sent_messages_channel check (channel in ('email', 'sms'))`);
}
