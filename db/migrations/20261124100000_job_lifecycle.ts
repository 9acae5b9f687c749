import type { Knex } from 'knex';

// Job lifecycle (D4, P5, P8), damage flow types with a daily capacity (P4)
// and communication templates (P7).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('damage_flow_types', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id');
    t.text('name').notNullable();
    t.integer('daily_capacity').notNullable().defaultTo(4);
    t.boolean('is_default').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['company_id', 'name']);
  });
  await knex.raw(`create unique index damage_flow_types_one_default on damage_flow_types (company_id) where is_default`);
  await knex.raw(`alter table damage_flow_types add constraint damage_flow_types_capacity check (daily_capacity between 0 and 1000)`);
  // Every company has "classic repair" as its default flow.
  await knex.raw(`insert into damage_flow_types (company_id, name, daily_capacity, is_default) select id, 'Classic repair', 4, true from companies`);

  await knex.schema.alterTable('locations', (t) => {
    // P5: what "work started" means on the status page.
    t.text('work_started_source').notNullable().defaultTo('ready_for_start');
  });
  await knex.raw(
    `alter table locations add constraint locations_work_started_source check (work_started_source in ('ready_for_start', 'first_activity'))`,
  );

  await knex.schema.alterTable('jobs', (t) => {
    t.integer('damage_flow_type_id').references('damage_flow_types.id');
    // The furthest lifecycle step reached; the workflow job-<number> decides, this row shows.
    t.text('step').notNullable().defaultTo('new');
    t.timestamp('appointment_at', { useTz: true });
    t.timestamp('vehicle_in_at', { useTz: true });
    t.timestamp('ready_for_start_at', { useTz: true });
    t.timestamp('first_activity_at', { useTz: true });
    t.timestamp('planned_end_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('picked_up_at', { useTz: true });
    t.boolean('on_site').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['company_id', 'on_site']);
  });
  await knex.raw(
    `alter table jobs add constraint jobs_step check (step in ('new', 'appointment', 'vehicle_in', 'work_started', 'finished', 'picked_up'))`,
  );

  // A repair booking (P4) points at the job it books; an estimate booking at the job it created.
  await knex.schema.alterTable('bookings', (t) => {
    t.integer('damage_flow_type_id').references('damage_flow_types.id');
  });
  await knex.raw(`drop index jobs_one_per_booking`);
  await knex.raw(`create unique index jobs_one_per_booking on bookings (job_id) where job_id is not null and kind = 'estimate'`);
  await knex.raw(`alter table bookings add constraint bookings_kind check (kind in ('estimate', 'repair'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table bookings drop constraint bookings_kind`);
  await knex.raw(`drop index jobs_one_per_booking`);
  await knex.raw(`create unique index jobs_one_per_booking on bookings (job_id) where job_id is not null`);
  await knex.schema.alterTable('bookings', (t) => t.dropColumn('damage_flow_type_id'));
  await knex.schema.alterTable('jobs', (t) => {
    t.dropColumns(
      'damage_flow_type_id', 'step', 'appointment_at', 'vehicle_in_at', 'ready_for_start_at', 'first_activity_at',
      'planned_end_at', 'finished_at', 'picked_up_at', 'on_site', 'updated_at',
    );
  });
  await knex.schema.alterTable('locations', (t) => t.dropColumn('work_started_source'));
  await knex.schema.dropTable('damage_flow_types');
}
