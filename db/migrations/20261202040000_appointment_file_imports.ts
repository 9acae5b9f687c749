import type { Knex } from 'knex';

/**
 * D5/W2: appointments imported from CSV files a planning system drops on an
 * SFTP server, an FTP server or a watched folder.
 *
 * - import_sources: where a company's files come from and how to read them.
 *   `secret` (password or private key) is stored encrypted (lib/secrets.ts,
 *   AES-256-GCM), never in clear.
 * - import_files: every file ever taken, by its SHA-256: unique per company,
 *   so a file is never imported twice, whatever its name.
 * - import_runs: one per file taken (or refused, or a source that could not
 *   be read), with its report: counts and the cursor (the last line of the
 *   last committed batch) a resumed import continues after.
 * - import_errors: the report's failing lines, with column and reason.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('import_sources', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('host').notNullable().defaultTo('');
    t.integer('port');
    t.text('username').notNullable().defaultTo('');
    // lib/secrets.ts sealed: a password, or an SFTP private key (PEM/OpenSSH)
    t.text('secret');
    // SFTP: the server's host key as "SHA256:<base64>"; empty = not checked
    t.text('host_key').notNullable().defaultTo('');
    // FTP: explicit TLS (FTPS)
    t.boolean('tls').notNullable().defaultTo(false);
    // remote folder; for 'folder' a subfolder of IMPORT_DIR/<company id> (empty = that folder)
    t.text('remote_path').notNullable().defaultTo('');
    t.text('file_pattern').notNullable().defaultTo('*.csv');
    // take a file only once "<name>.done" is there too (else: its size unchanged between two listings)
    t.boolean('done_marker').notNullable().defaultTo(false);
    // rows that name no location go here (a company with one location may leave it empty)
    t.integer('location_id').references('locations.id').onDelete('SET NULL');
    t.text('encoding').notNullable().defaultTo('auto');
    t.text('separator').notNullable().defaultTo('auto');
    t.text('date_order').notNullable().defaultTo('auto');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['company_id']);
  });
  await knex.raw(`alter table import_sources add constraint import_sources_kind check (kind in ('sftp', 'ftp', 'folder'))`);
  await knex.raw(`alter table import_sources add constraint import_sources_encoding check (encoding in ('auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252'))`);
  await knex.raw(`alter table import_sources add constraint import_sources_separator check (separator in ('auto', ',', ';', 'tab'))`);
  await knex.raw(`alter table import_sources add constraint import_sources_date_order check (date_order in ('auto', 'dmy', 'mdy'))`);
  await knex.raw(`alter table import_sources add constraint import_sources_port check (port is null or port between 1 and 65535)`);

  await knex.schema.createTable('import_files', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.integer('source_id').references('import_sources.id').onDelete('SET NULL');
    t.text('sha256').notNullable();
    // where it was first seen
    t.text('remote_path').notNullable();
    t.bigInteger('size').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['company_id', 'sha256']);
  });

  await knex.schema.createTable('import_runs', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.integer('source_id').references('import_sources.id').onDelete('SET NULL');
    // the Temporal workflow id and run id that took the file: a retried activity finds its own run
    t.text('workflow_run').notNullable();
    t.text('trigger').notNullable().defaultTo('schedule');
    t.integer('file_id').references('import_files.id').onDelete('SET NULL');
    // the file this one repeats (status skipped, error_code alreadyImported)
    t.integer('duplicate_of').references('import_files.id').onDelete('SET NULL');
    t.text('remote_path').notNullable().defaultTo('');
    t.text('file_name').notNullable().defaultTo('');
    t.bigInteger('size');
    // the file's time as the source listed it: the same name, size and time next hour is this file, not fetched again
    t.timestamp('modified_at', { useTz: true });
    t.text('sha256');
    t.text('status').notNullable().defaultTo('importing');
    // the last line of the last committed batch (1 = the header): a resumed import continues after it
    t.integer('committed_line').notNullable().defaultTo(1);
    t.integer('total_rows');
    t.integer('rows_added').notNullable().defaultTo(0);
    t.integer('rows_updated').notNullable().defaultTo(0);
    t.integer('rows_unchanged').notNullable().defaultTo(0);
    t.integer('rows_skipped').notNullable().defaultTo(0);
    t.integer('rows_failed').notNullable().defaultTo(0);
    // why the whole file (or the source) failed or was skipped: imports.file.<code>
    t.text('error_code');
    t.text('error_detail');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.unique(['workflow_run', 'remote_path']);
    t.index(['company_id', 'started_at']);
    t.index(['source_id', 'remote_path']);
  });
  await knex.raw(`alter table import_runs add constraint import_runs_status check (status in ('importing', 'done', 'failed', 'skipped'))`);
  await knex.raw(`alter table import_runs add constraint import_runs_trigger check (trigger in ('schedule', 'manual'))`);

  await knex.schema.createTable('import_errors', (t) => {
    t.bigIncrements('id');
    t.integer('run_id').notNullable().references('import_runs.id').onDelete('CASCADE');
    t.integer('line').notNullable();
    t.text('column');
    t.text('reason').notNullable();
    t.text('detail').notNullable().defaultTo('');
    t.index(['run_id', 'line']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('import_errors');
  await knex.schema.dropTable('import_runs');
  await knex.schema.dropTable('import_files');
  await knex.schema.dropTable('import_sources');
}
