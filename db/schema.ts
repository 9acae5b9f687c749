import type { Knex } from 'knex';

/**
 * Every single-column foreign key in the current schema that references
 * `table` (its id): what must move when two rows of `table` become one
 * (vehicle duplicates in the master migration, M7 customer merges), so a
 * table added later is never forgotten.
 */
export async function foreignKeysTo(db: Knex | Knex.Transaction, table: string): Promise<{ table: string; column: string }[]> {
  const { rows } = await db.raw<{ rows: { table: string; column: string }[] }>(
    `select cl.relname as table, att.attname as column
       from pg_constraint con
       join pg_class cl on cl.oid = con.conrelid
       join pg_namespace ns on ns.oid = cl.relnamespace
       join pg_attribute att on att.attrelid = con.conrelid and att.attnum = con.conkey[1]
      where con.contype = 'f' and con.confrelid = ?::regclass and array_length(con.conkey, 1) = 1
        and ns.nspname = current_schema()
      order by cl.relname, att.attname`,
    [table],
  );
  return rows;
}
