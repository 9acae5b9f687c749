import type { Knex } from 'knex';

// One template system (issue 11): the company's own texts of every purpose
// (booking link, invitations, lead acknowledgement and rejection,
// appointment confirmation, check-in link and reminder) in one table, per
// channel and language, with one tag set (lib/templates.ts). The rows of the
// two tables before it move here without loss:
// - message_templates (one text per purpose × channel × language; tag
//   [Location] is now [LocationName]),
// - communication_templates (P7 invitations, several per company, each with
//   a name; their ids stay, so "own:<id>" references keep pointing at them).
// An invitation has a name unique per company; every other purpose has at
// most one text per channel and language.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('company_templates', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.text('purpose').notNullable();
    t.text('name'); // invitations only
    t.text('channel').notNullable();
    t.text('language').notNullable();
    t.text('subject').notNullable().defaultTo('');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('staff_users.id').onDelete('SET NULL');
  });
  // Purposes are not constrained here: a new one ships with its built-in texts in code.
  await knex.raw(`alter table company_templates add constraint company_templates_channel check (channel in ('email', 'sms', 'whatsapp'))`);
  await knex.raw(`alter table company_templates add constraint company_templates_language check (language in ('en', 'nl', 'fr', 'de'))`);
  await knex.raw(
    `alter table company_templates add constraint company_templates_filled check (
      length(btrim(body)) between 1 and 10000
      and case channel when 'email' then length(btrim(subject)) between 1 and 200 else subject = '' end)`,
  );
  await knex.raw(
    `alter table company_templates add constraint company_templates_named check (
      case purpose when 'invitation' then name is not null and length(btrim(name)) between 1 and 100 else name is null end)`,
  );
  await knex.raw(`create unique index company_templates_text on company_templates (company_id, purpose, channel, language) where purpose <> 'invitation'`);
  await knex.raw(`create unique index company_templates_name on company_templates (company_id, lower(name)) where purpose = 'invitation'`);

  // Invitations first, keeping their ids.
  await knex.raw(`
    insert into company_templates (id, company_id, purpose, name, channel, language, subject, body, created_at, updated_at)
    select id, company_id, 'invitation', name, 'email', language, subject, body, created_at, updated_at from communication_templates`);
  await knex.raw(`select setval(pg_get_serial_sequence('company_templates', 'id'), greatest((select max(id) from company_templates), 1), (select count(*) > 0 from company_templates))`);
  // [Location] was the message texts' name of [LocationName]; nothing else changed name.
  await knex.raw(`
    insert into company_templates (company_id, purpose, channel, language, subject, body, updated_at, updated_by)
    select company_id, purpose, channel, language,
           replace(subject, '[Location]', '[LocationName]'), replace(body, '[Location]', '[LocationName]'), updated_at, updated_by
    from message_templates`);
  await knex.schema.dropTable('message_templates');
  await knex.schema.dropTable('communication_templates');
}

export async function down(knex: Knex): Promise<void> {
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
  await knex.raw(`
    insert into communication_templates (id, company_id, name, language, subject, body, created_at, updated_at)
    select id, company_id, name, language, subject, body, created_at, updated_at from company_templates where purpose = 'invitation'`);
  await knex.raw(`select setval(pg_get_serial_sequence('communication_templates', 'id'), greatest((select max(id) from communication_templates), 1), (select count(*) > 0 from communication_templates))`);

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
  await knex.raw(`alter table message_templates add constraint message_templates_channel check (channel in ('email', 'sms', 'whatsapp'))`);
  await knex.raw(`alter table message_templates add constraint message_templates_language check (language in ('en', 'nl', 'fr', 'de'))`);
  await knex.raw(
    `alter table message_templates add constraint message_templates_filled check (
      length(btrim(body)) between 1 and 10000
      and case channel when 'email' then length(btrim(subject)) between 1 and 200 else subject = '' end)`,
  );
  // The booking links had no company texts before; they are lost going down.
  await knex.raw(`
    insert into message_templates (company_id, purpose, channel, language, subject, body, updated_at, updated_by)
    select company_id, purpose, channel, language,
           replace(subject, '[LocationName]', '[Location]'), replace(body, '[LocationName]', '[Location]'), updated_at, updated_by
    from company_templates where purpose in ('lead_acknowledgement', 'lead_rejection', 'appointment_confirmation', 'checkin_link', 'checkin_reminder')`);
  await knex.schema.dropTable('company_templates');
}
