import type { Knex } from 'knex';

/**
 * The workflow-start outbox (migration 20261204100000_workflow_starts): a
 * trigger leaves a row for each lead, appointment and job that needs its
 * workflow; the worker's sweep starts what is still wanted and forgets it.
 */
export type WorkflowStartKind = 'lead' | 'checkin' | 'job';

export interface WorkflowStart {
  kind: WorkflowStartKind;
  key: number;
  created_at: Date;
}

/** Where a sweep stands in the outbox: after this row (created_at, kind, key order). */
export type WorkflowStartCursor = Pick<WorkflowStart, 'created_at' | 'kind' | 'key'>;

/**
 * The next `limit` outbox rows written more than `graceMs` ago (by the
 * database's clock, which wrote them), oldest first, after `cursor`: a
 * keyset page over the index workflow_starts_due, so a sweep reads each row
 * once and a row whose start failed does not hold up the others.
 */
export async function dueWorkflowStarts(db: Knex, graceMs: number, limit: number, cursor?: WorkflowStartCursor): Promise<WorkflowStart[]> {
  const query = db('workflow_starts')
    .where('created_at', '<=', db.raw('now() - make_interval(secs => ?)', [graceMs / 1000])).orderBy(['created_at', 'kind', 'key']).limit(limit).select('kind', 'key', 'created_at');
  if (cursor) query.whereRaw('(created_at, kind, key) > (?, ?, ?)', [cursor.created_at, cursor.kind, cursor.key]);
  return query;
}

/**
 * Makes every outbox row due now: for a writer that starts no workflow
 * itself (the demo seed), so the next sweep takes its rows without waiting
 * out the grace period.
 */
export async function markWorkflowStartsDue(db: Knex): Promise<void> {
  await db('workflow_starts').where('created_at', '>', db.raw(`now() - interval '1 hour'`)).update({ created_at: db.raw(`now() - interval '1 hour'`) });
}

/** Forgets outbox rows whose workflow runs (or is no longer wanted). */
export async function forgetWorkflowStarts(db: Knex, kind: WorkflowStartKind, keys: number[]): Promise<void> {
  if (keys.length === 0) return;
  await db('workflow_starts').where({ kind }).whereIn('key', keys).delete();
}

/** Of `ids`, the leads still New (their workflow decides them), with what their workflow's start needs. */
export async function newLeadsAmong(db: Knex, ids: number[]): Promise<{ id: number; plate: string; locationSlug: string }[]> {
  if (ids.length === 0) return [];
  return db('leads')
    .join('locations', 'locations.id', 'leads.location_id')
    .whereIn('leads.id', ids)
    .where('leads.status', 'new')
    .select('leads.id', 'leads.plate', 'locations.slug as locationSlug');
}

/** Of `ids`, the appointments planned and still to come (their check-in workflow has work). */
export async function upcomingAppointmentsAmong(db: Knex, ids: number[], now = new Date()): Promise<number[]> {
  if (ids.length === 0) return [];
  return db('appointments').whereIn('id', ids).where({ status: 'planned' }).where('starts_at', '>', now).pluck('id');
}

/** Of `ids`, the jobs not picked up (their D4 workflow runs), with what its start needs. */
export async function jobsInProgressAmong(db: Knex, ids: number[]): Promise<{ id: number; job_number: string; plate: string; location_slug: string }[]> {
  if (ids.length === 0) return [];
  return db('jobs')
    .join('locations', 'locations.id', 'jobs.location_id')
    .join('vehicles', 'vehicles.id', 'jobs.vehicle_id')
    .whereIn('jobs.id', ids)
    .whereNot('jobs.step', 'picked_up')
    .select('jobs.id', 'jobs.job_number', 'vehicles.plate', 'locations.slug as location_slug');
}
