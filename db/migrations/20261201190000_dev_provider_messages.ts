import type { Knex } from 'knex';

// The outbox is sent_messages (every message to a customer, with its status).
// What the development SMS and WhatsApp providers keep was called an outbox
// too; renamed to what it is: the messages a development provider received.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.renameTable('sms_outbox', 'dev_sms_messages');
  await knex.schema.renameTable('whatsapp_outbox', 'dev_whatsapp_messages');
  for (const [table, old] of [
    ['dev_sms_messages', 'sms_outbox'],
    ['dev_whatsapp_messages', 'whatsapp_outbox'],
  ] as const) {
    await knex.raw(`alter sequence ${old}_id_seq rename to ${table}_id_seq`);
    await knex.raw(`alter index ${old}_pkey rename to ${table}_pkey`);
    await knex.raw(`alter index ${old}_reference_unique rename to ${table}_reference_unique`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [table, old] of [
    ['dev_sms_messages', 'sms_outbox'],
    ['dev_whatsapp_messages', 'whatsapp_outbox'],
  ] as const) {
    await knex.raw(`alter index ${table}_reference_unique rename to ${old}_reference_unique`);
    await knex.raw(`alter index ${table}_pkey rename to ${old}_pkey`);
    await knex.raw(`alter sequence ${table}_id_seq rename to ${old}_id_seq`);
  }
  await knex.schema.renameTable('dev_whatsapp_messages', 'whatsapp_outbox');
  await knex.schema.renameTable('dev_sms_messages', 'sms_outbox');
}
