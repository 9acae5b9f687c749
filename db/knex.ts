import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations';

export type { Knex };

// Return bigint counts and numeric values as JS numbers; our counts are small.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function createDb(connectionString: string, poolMax = 10): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: 'workshop' },
    pool: { min: 0, max: poolMax },
  });
}

/**
 * Brings the schema up to date. Several replicas may start at once; knex's
 * migration lock lets one run while the others wait and retry.
 */
export async function migrate(db: Knex): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.migrate.latest({ migrationSource });
      return;
    } catch (error) {
      const locked = error instanceof Error && /already locked/i.test(error.message);
      if (!locked || attempt >= 30) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
