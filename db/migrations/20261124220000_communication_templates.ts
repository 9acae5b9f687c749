import type { Knex } from 'knex';

// P7: communication templates an admin adds (the built-in ones ship in code,
// lib/communicationTemplates.ts). Invitations sent from them go through the
// existing sent_messages outbox, linked to the job.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('communication_templates', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('language').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`create unique index communication_templates_name on communication_templates (company_id, lower(name))`);
  await knex.raw(`alter table communication_templates add constraint communication_templates_language check (language in ('en', 'nl', 'fr', 'de'))`);
  await knex.raw(
    `alter table communication_templates add constraint communication_templates_filled check (
      length(btrim(name)) between 1 and 100 and length(btrim(subject)) between 1 and 200 and length(btrim(body)) between 1 and 10000)`,
  );
  await knex.raw(`create index sent_messages_job on sent_messages (job_id) where job_id is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index sent_messages_job`);
  await knex.schema.dropTable('communication_templates');
}
