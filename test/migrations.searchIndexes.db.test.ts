import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db/knex';
import { createJob, createLocation } from './support/fixtures';
import { databaseMigratedTo } from './support/migrations';

const indexesOf = async (db: Knex, names: string[]) =>
  (
    await db.raw(
      `select c.relname as name, i.indisvalid as valid, pg_get_indexdef(i.indexrelid) as definition
         from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = any(?) order by c.relname`,
      [names],
    )
  ).rows as { name: string; valid: boolean; definition: string }[];

/**
 * Issue 14: the search indexes (migrations 20261206000000 and 20261206010000)
 * are built CONCURRENTLY, outside a transaction, on a database that already
 * holds rows; a build that failed half-way and left an invalid index of the
 * same name is built again, not kept.
 */
describe('migrations 20261206*: the search indexes, built concurrently', () => {
  it('builds every index valid over existing rows, and replaces an invalid one a failed build left', async () => {
    const db = await databaseMigratedTo('20261205000000_location_changes_notify');
    try {
      const { location } = await createLocation(db);
      await createJob(db, location, '1-ABC-123');
      await createJob(db, location, '2-DEF-456');
      // A concurrent build that failed (here: unique over two equal values) leaves its index behind, invalid.
      await expect(db.raw(`create unique index concurrently vehicles_plate_trgm on vehicles (company_id)`)).rejects.toThrow(/could not create unique index/);
      expect(await indexesOf(db, ['vehicles_plate_trgm'])).toEqual([expect.objectContaining({ valid: false })]);

      await migrate(db);
      const names = ['jobs_vehicle', 'leads_email_trgm', 'leads_name_trgm', 'leads_phone_digits_trgm', 'leads_plate_trgm', 'leads_vin_trgm', 'vehicles_plate_trgm'];
      const built = await indexesOf(db, names);
      expect(built.map(({ name, valid }) => ({ name, valid }))).toEqual(names.map((name) => ({ name, valid: true })));
      expect(built.find((index) => index.name === 'vehicles_plate_trgm')!.definition).toMatch(/USING gin \(plate_normalized gin_trgm_ops\)/);
    } finally {
      await db.destroy();
    }
  });
});
