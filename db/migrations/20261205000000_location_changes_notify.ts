import type { Knex } from 'knex';

/**
 * Issue 14: every change to `locations` (a setting saved, a location added
 * or removed, whoever writes it) NOTIFYs `location_changed` at commit. The
 * web replicas keep the portal's locations in memory and drop them on it
 * (web/portalLocations.ts), so a portal page needs no query for its location.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function notify_location_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('location_changed', '');
      return null;
    end $$`);
  await knex.raw(`
    create trigger locations_changed after insert or update or delete or truncate on locations
      for each statement execute function notify_location_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists locations_changed on locations');
  await knex.raw('drop function if exists notify_location_changed()');
}
