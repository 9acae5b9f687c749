import type { Knex } from 'knex';

// P4 repair booking: every company has its default damage flow type from the
// start, repair appointment days and drop-off time per location, and repair
// bookings that need no new GDPR consent (the shop already holds the job).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function companies_default_damage_flow() returns trigger language plpgsql as $$
    begin
      insert into damage_flow_types (company_id, name, daily_capacity, is_default) values (new.id, 'Classic repair', 4, true);
      return new;
    end $$`);
  await knex.raw(
    `create trigger companies_default_damage_flow after insert on companies for each row execute function companies_default_damage_flow()`,
  );
  // Companies created between the previous migration and this one.
  await knex.raw(`
    insert into damage_flow_types (company_id, name, daily_capacity, is_default)
    select c.id, 'Classic repair', 4, true from companies c
    where not exists (select 1 from damage_flow_types d where d.company_id = c.id and d.is_default)
    on conflict (company_id, name) do update set is_default = true`);

  await knex.schema.alterTable('locations', (t) => {
    t.specificType('repair_weekdays', 'smallint[]').notNullable().defaultTo(knex.raw(`'{1,2,3,4,5}'`));
    t.time('repair_dropoff_time').notNullable().defaultTo('08:00');
  });
  await knex.raw(`alter table locations add constraint locations_repair_weekdays check (repair_weekdays <@ '{1,2,3,4,5,6,7}'::smallint[])`);

  await knex.raw(`alter table bookings alter column gdpr_consent_at drop not null`);
  await knex.raw(`alter table bookings add constraint bookings_consent check (kind = 'repair' or gdpr_consent_at is not null)`);
  await knex.raw(`create index bookings_repair_day on bookings (location_id, damage_flow_type_id, status) where kind = 'repair'`);
  await knex.raw(`create index jobs_appointment on jobs (location_id, appointment_at) where appointment_at is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index jobs_appointment`);
  await knex.raw(`drop index bookings_repair_day`);
  await knex.raw(`alter table bookings drop constraint bookings_consent`);
  await knex.raw(`alter table bookings alter column gdpr_consent_at set not null`);
  await knex.raw(`alter table locations drop constraint locations_repair_weekdays`);
  await knex.schema.alterTable('locations', (t) => t.dropColumns('repair_weekdays', 'repair_dropoff_time'));
  await knex.raw(`drop trigger companies_default_damage_flow on companies`);
  await knex.raw(`drop function companies_default_damage_flow()`);
}
