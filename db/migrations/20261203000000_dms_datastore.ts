import type { Knex } from 'knex';

/**
 * P9/D5: the DMS datastore. Customers and vehicles exported by a dealer's or
 * a garage's DMS land in the one customer file and vehicle master; each
 * record remembers the DMS it came from and its id there.
 *
 * - dms_sources: the DMS systems a company imports from (admin maintains
 *   the list; "Default" is made when an import names none), each with the
 *   way its files are read, remembered from the last import: encoding,
 *   separator, decimal mark, date order, and per kind the header chosen
 *   for each field.
 * - customer_dms_ids / vehicle_dms_ids: a record's id in each DMS that
 *   knows it, unique per source. Vehicles get the first registration and the mileage
 *   a DMS knows.
 * - import_runs (the one import history, shared with the planner's
 *   appointment files): kind, mode, the DMS, who, the options the file was
 *   read with, its layout (for the file of failing lines), the preview, and
 *   the undo. New statuses: previewing / previewed (waiting for Import),
 *   cancelled, undoing, undone.
 * - import_errors.raw: the failing record's original text, so its line can
 *   be given back in the file's own encoding and separator.
 * - import_records: every master record a DMS run resolved a row to, with
 *   what it did there (added, updated with the earlier values, unchanged):
 *   a second row of the file that comes to a record already resolved is a
 *   duplicate, and undo reads it back.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dms_sources', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('encoding').notNullable().defaultTo('auto');
    t.text('separator').notNullable().defaultTo('auto');
    t.text('decimal_mark').notNullable().defaultTo('auto');
    t.text('date_order').notNullable().defaultTo('auto');
    // { customers: { <field>: <header> }, vehicles: { ... } }: the headers an admin chose
    t.jsonb('mappings').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`create unique index dms_sources_name on dms_sources (company_id, lower(name))`);
  await knex.raw(`alter table dms_sources add constraint dms_sources_encoding check (encoding in ('auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252'))`);
  await knex.raw(`alter table dms_sources add constraint dms_sources_separator check (separator in ('auto', ',', ';', 'tab'))`);
  await knex.raw(`alter table dms_sources add constraint dms_sources_decimal_mark check (decimal_mark in ('auto', ',', '.'))`);
  await knex.raw(`alter table dms_sources add constraint dms_sources_date_order check (date_order in ('auto', 'dmy', 'mdy'))`);

  // A record's id in each DMS that knows it (a body shop's customer may be in the DMS of two garages):
  // a DMS id is one record, a record may have an id in several sources. Foreign keys, so an M7 merge
  // moves them to the kept customer and a deleted record takes its ids along.
  for (const [table, column, master] of [
    ['customer_dms_ids', 'customer_id', 'customers'],
    ['vehicle_dms_ids', 'vehicle_id', 'vehicles'],
  ] as const) {
    await knex.schema.createTable(table, (t) => {
      t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
      // A source in use is not deleted (its records would lose where they came from).
      t.integer('source_id').notNullable().references('dms_sources.id').onDelete('RESTRICT');
      t.text('dms_id').notNullable();
      t.integer(column).notNullable().references(`${master}.id`).onDelete('CASCADE');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.primary(['source_id', 'dms_id']);
      t.index([column]);
    });
  }
  await knex.schema.alterTable('vehicles', (t) => {
    t.date('first_registration');
    t.integer('mileage_km');
  });
  await knex.raw(`alter table vehicles add constraint vehicles_mileage check (mileage_km is null or mileage_km >= 0)`);

  await knex.schema.alterTable('import_runs', (t) => {
    t.text('kind').notNullable().defaultTo('appointments');
    t.text('mode');
    t.integer('dms_source_id').references('dms_sources.id').onDelete('SET NULL');
    t.integer('staff_id').references('staff_users.id').onDelete('SET NULL');
    // how the file is read: CsvOptions (encoding, separator, decimal mark, date order, chosen headers)
    t.jsonb('options');
    // what reading it found: encoding, BOM, separator, line break, header text (lib/csv/errorFile.ts)
    t.jsonb('layout');
    t.jsonb('preview');
    t.integer('undone_by').references('staff_users.id').onDelete('SET NULL');
    t.timestamp('undone_at', { useTz: true });
    // what the undo did: { removed, restored, kept }
    t.jsonb('undo_counts');
  });
  await knex.raw(`alter table import_runs drop constraint import_runs_status`);
  await knex.raw(
    `alter table import_runs add constraint import_runs_status check (status in ('importing', 'done', 'failed', 'skipped', 'previewing', 'previewed', 'cancelled', 'undoing', 'undone'))`,
  );
  await knex.raw(`alter table import_runs add constraint import_runs_kind check (kind in ('appointments', 'dms_customers', 'dms_vehicles'))`);
  await knex.raw(`alter table import_runs add constraint import_runs_mode check (mode is null or mode in ('supplement', 'full'))`);
  await knex.raw(`create index import_runs_company_kind on import_runs (company_id, kind, id desc)`);

  await knex.schema.alterTable('import_errors', (t) => {
    t.text('raw');
  });

  await knex.schema.createTable('import_records', (t) => {
    t.integer('run_id').notNullable().references('import_runs.id').onDelete('CASCADE');
    t.text('entity').notNullable();
    t.integer('record_id').notNullable();
    t.integer('line').notNullable();
    t.text('action').notNullable();
    // updated: the fields' values before (undo puts them back where they still hold what the import wrote)
    t.jsonb('previous');
    t.jsonb('applied');
    // the DMS id this run gave the record (customer_dms_ids / vehicle_dms_ids), removed again by undo
    t.text('linked_dms_id');
    t.primary(['run_id', 'entity', 'record_id']);
  });
  await knex.raw(`alter table import_records add constraint import_records_entity check (entity in ('customer', 'vehicle'))`);
  await knex.raw(`alter table import_records add constraint import_records_action check (action in ('added', 'updated', 'unchanged'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('import_records');
  await knex.schema.alterTable('import_errors', (t) => t.dropColumn('raw'));
  await knex.raw(`delete from import_runs where kind <> 'appointments'`);
  await knex.raw(`alter table import_runs drop constraint import_runs_status`);
  await knex.raw(`alter table import_runs add constraint import_runs_status check (status in ('importing', 'done', 'failed', 'skipped'))`);
  await knex.schema.alterTable('import_runs', (t) =>
    t.dropColumns('kind', 'mode', 'dms_source_id', 'staff_id', 'options', 'layout', 'preview', 'undone_by', 'undone_at', 'undo_counts'),
  );
  await knex.schema.alterTable('vehicles', (t) => t.dropColumns('first_registration', 'mileage_km'));
  await knex.schema.dropTable('vehicle_dms_ids');
  await knex.schema.dropTable('customer_dms_ids');
  await knex.schema.dropTable('dms_sources');
}
