import type { Knex } from 'knex';

/**
 * Two-way conversations (W4, W5): delivery reports and WhatsApp free text.
 *
 * - sent_messages.status also 'delivered' and 'read' (the providers' status
 *   webhooks); status_updated_at is when the provider said so. A status never
 *   goes backwards (db/messages.ts applyDeliveryStatus).
 * - sent_messages.session: a WhatsApp free-text (session) message, allowed
 *   only within the customer's 24-hour window (workflows/conversation.ts):
 *   such a row has no template.
 * - sent_messages.recipient_e164: the number an SMS or WhatsApp went to as
 *   E.164, so an inbound message finds who last wrote to that number; and
 *   conversation_id, the conversation a message belongs to.
 * - dev_whatsapp_messages: a free-text message has no template.
 * - companies: which business numbers are theirs (an inbound message from an
 *   unknown number becomes a customer of the company that owns the number).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table sent_messages drop constraint sent_messages_status`);
  await knex.raw(
    `alter table sent_messages add constraint sent_messages_status check (status in ('queued', 'sending', 'sent', 'delivered', 'read', 'failed'))`,
  );
  await knex.schema.alterTable('sent_messages', (t) => {
    t.timestamp('status_updated_at', { useTz: true });
    t.boolean('session').notNullable().defaultTo(false);
    t.text('recipient_e164');
    t.integer('conversation_id').references('conversations.id').onDelete('SET NULL');
  });
  await knex.raw(`alter table sent_messages drop constraint sent_messages_whatsapp_template`);
  await knex.raw(
    `alter table sent_messages add constraint sent_messages_whatsapp_template check (channel <> 'whatsapp' or template is not null or session)`,
  );
  await knex.raw(`alter table sent_messages add constraint sent_messages_session check (not session or channel = 'whatsapp')`);
  // Earlier SMS and WhatsApp rows whose recipient already is E.164 (the rest stays unknown: a migration does not parse phone numbers).
  await knex.raw(`update sent_messages set recipient_e164 = recipient where channel <> 'email' and recipient ~ '^\\+[1-9][0-9]{6,14}$'`);
  // Status webhooks find their message by the provider's id; inbound messages find who last wrote to a number.
  await knex.raw(`create index sent_messages_provider_id on sent_messages (channel, provider_message_id) where provider_message_id is not null`);
  await knex.raw(`create index sent_messages_recipient_e164 on sent_messages (recipient_e164, id) where recipient_e164 is not null`);
  await knex.raw(`create index sent_messages_conversation on sent_messages (conversation_id) where conversation_id is not null`);
  await knex.raw(`create index conversations_address on conversations (channel, address)`);

  await knex.schema.alterTable('dev_whatsapp_messages', (t) => {
    t.text('template_name').nullable().alter();
    t.text('language').nullable().alter();
  });

  await knex.schema.alterTable('companies', (t) => {
    // The Cloud API's phone number id (value.metadata.phone_number_id in its webhooks).
    t.text('whatsapp_phone_number_id');
    // The number the SMS gateway receives on for this company, E.164.
    t.text('sms_number');
  });
  await knex.raw(`create unique index companies_whatsapp_phone_number_id on companies (whatsapp_phone_number_id) where whatsapp_phone_number_id is not null`);
  await knex.raw(`create unique index companies_sms_number on companies (sms_number) where sms_number is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index companies_sms_number`);
  await knex.raw(`drop index companies_whatsapp_phone_number_id`);
  await knex.schema.alterTable('companies', (t) => t.dropColumns('whatsapp_phone_number_id', 'sms_number'));
  await knex('dev_whatsapp_messages').whereNull('template_name').delete();
  await knex.schema.alterTable('dev_whatsapp_messages', (t) => {
    t.text('template_name').notNullable().alter();
    t.text('language').notNullable().alter();
  });
  await knex.raw(`drop index conversations_address`);
  await knex.raw(`drop index sent_messages_conversation`);
  await knex.raw(`drop index sent_messages_recipient_e164`);
  await knex.raw(`drop index sent_messages_provider_id`);
  await knex('sent_messages').where({ session: true }).delete();
  await knex.raw(`alter table sent_messages drop constraint sent_messages_session`);
  await knex.raw(`alter table sent_messages drop constraint sent_messages_whatsapp_template`);
  await knex.raw(`alter table sent_messages add constraint sent_messages_whatsapp_template check (channel <> 'whatsapp' or template is not null)`);
  await knex.schema.alterTable('sent_messages', (t) => t.dropColumns('status_updated_at', 'session', 'recipient_e164', 'conversation_id'));
  await knex.raw(`update sent_messages set status = 'sent' where status in ('delivered', 'read')`);
  await knex.raw(`alter table sent_messages drop constraint sent_messages_status`);
  await knex.raw(`alter table sent_messages add constraint sent_messages_status check (status in ('queued', 'sending', 'sent', 'failed'))`);
}
