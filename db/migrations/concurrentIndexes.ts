import type { Knex } from 'knex';

/**
 * Migrations that only add indexes to tables that grow with the shop
 * (jobs, vehicles, leads) build them CONCURRENTLY, so the replicas still
 * running during a deployment keep writing while an index builds (a
 * million-vehicle master takes a while to index by trigrams). That cannot
 * run in a transaction: such a migration exports `config` below. A build
 * that failed half-way leaves an invalid index behind, which `if not
 * exists` would keep: it is dropped and built again.
 */
export const outsideTransaction = { transaction: false };

export async function createIndexConcurrently(knex: Knex, name: string, definition: string): Promise<void> {
  const { rows } = await knex.raw(
    `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = ? and c.relnamespace = current_schema()::regnamespace`,
    [name],
  );
  if (rows[0]?.valid === true) return;
  if (rows[0]) await knex.raw(`drop index concurrently if exists ${name}`);
  await knex.raw(`create index concurrently ${name} on ${definition}`);
}
