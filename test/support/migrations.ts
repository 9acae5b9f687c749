import type { Knex } from 'knex';
import { inject } from 'vitest';
import { createDb } from '../../db/knex';
import { migrationSource } from '../../db/migrations';
import { createDatabase } from './harness';

/**
 * A fresh database whose schema stops at `last` (that migration included):
 * the shape a running installation had before a later migration, to fill
 * with rows and then migrate with `migrate` from db/knex.ts.
 */
export async function databaseMigratedTo(last: string): Promise<Knex> {
  const db = createDb(await createDatabase(inject('databaseAdminUrl')), 4);
  const all = await migrationSource.getMigrations([]);
  if (!all.includes(last)) throw new Error(`no migration ${last}`);
  await db.migrate.latest({
    migrationSource: { ...migrationSource, getMigrations: async () => all.filter((name) => name <= last) },
  });
  return db;
}
