import type { Knex } from 'knex';

/**
 * Issue 14: the workflow-start outbox. A row that needs a running workflow
 * (a New lead: D3; a planned appointment still to come: D2 check-in; a job
 * not picked up: D4) leaves a workflow_starts row in the transaction that
 * wrote it, through a trigger, so every writer (web, API, imports, the DMS
 * merge, the demo seed, a hand-written insert) is covered. The web and the
 * activities start the workflow at once, as before, and a successful start
 * takes its row out (clients/temporal.ts workflowStarted); the worker's
 * sweep (workflows/workflowStarts.ts, every minute) starts, idempotently,
 * those of rows older than a short grace period and deletes them. This replaces the
 * scans of every lead, appointment and job the worker made at each start.
 *
 * The table is seeded once with today's candidates (what those scans
 * considered), so an existing database loses nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workflow_starts', (t) => {
    t.text('kind').notNullable();
    t.integer('key').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['kind', 'key']);
    t.index(['created_at', 'kind', 'key'], 'workflow_starts_due');
  });
  await knex.raw(`alter table workflow_starts add constraint workflow_starts_kind check (kind in ('lead', 'checkin', 'job'))`);

  await knex.raw(`
    create function workflow_start_wanted() returns trigger language plpgsql as $$
    begin
      insert into workflow_starts (kind, key) values (tg_argv[0], new.id) on conflict do nothing;
      return null;
    end $$`);
  // D3: a lead written New (its workflow decides it).
  await knex.raw(`create trigger leads_workflow_start after insert on leads for each row when (new.status = 'new') execute function workflow_start_wanted('lead')`);
  // D2: an appointment planned, or planned again / moved (a check-in workflow that ended starts afresh for the new time).
  await knex.raw(`create trigger appointments_workflow_start after insert on appointments for each row when (new.status = 'planned') execute function workflow_start_wanted('checkin')`);
  await knex.raw(`
    create trigger appointments_workflow_restart after update of status, starts_at on appointments for each row
      when (new.status = 'planned' and (old.status is distinct from new.status or old.starts_at is distinct from new.starts_at))
      execute function workflow_start_wanted('checkin')`);
  // D4: a job written not picked up (staff, the portal booking, imports, the seed).
  await knex.raw(`create trigger jobs_workflow_start after insert on jobs for each row when (new.step <> 'picked_up') execute function workflow_start_wanted('job')`);

  // Once: the rows the worker's start-up scans considered until now.
  await knex.raw(`insert into workflow_starts (kind, key) select 'lead', id from leads where status = 'new' on conflict do nothing`);
  await knex.raw(`insert into workflow_starts (kind, key) select 'checkin', id from appointments where status = 'planned' and starts_at > now() on conflict do nothing`);
  await knex.raw(`insert into workflow_starts (kind, key) select 'job', id from jobs where step <> 'picked_up' on conflict do nothing`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger jobs_workflow_start on jobs');
  await knex.raw('drop trigger appointments_workflow_restart on appointments');
  await knex.raw('drop trigger appointments_workflow_start on appointments');
  await knex.raw('drop trigger leads_workflow_start on leads');
  await knex.raw('drop function workflow_start_wanted()');
  await knex.schema.dropTable('workflow_starts');
}
