import type { Knex } from 'knex';

/**
 * Issue 14: the staff jobs list and the lead manager page newest first by
 * (created_at, id) with a keyset cursor. These indexes give each page in
 * that order straight from the index, whatever the number of rows: jobs of
 * a company; leads of a company, with or without the status filter (New is
 * the lead manager's default; the New-leads badge counts from the same one).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists jobs_company_newest on jobs (company_id, created_at desc, id desc)`);
  await knex.raw(`create index if not exists leads_company_newest on leads (company_id, created_at desc, id desc)`);
  await knex.raw(`create index if not exists leads_company_status_newest on leads (company_id, status, created_at desc, id desc)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists leads_company_status_newest`);
  await knex.raw(`drop index if exists leads_company_newest`);
  await knex.raw(`drop index if exists jobs_company_newest`);
}
