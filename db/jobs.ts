import type { Knex } from 'knex';
import { normalizePlate } from '../lib/plates';
import type { JobSnapshot } from '../workflows/jobSteps';

export interface JobListRow {
  id: number;
  job_number: string;
  location_slug: string;
  work_started_source: 'ready_for_start' | 'first_activity';
  source: string;
  estimate_at: Date | null;
  created_at: Date;
  location_name: string;
  time_zone: string;
  first_name: string;
  last_name: string;
  plate: string;
  make: string;
  model: string;
  photo_count: number;
}

const jobColumns = [
  'jobs.id',
  'jobs.job_number',
  'jobs.source',
  'jobs.estimate_at',
  'jobs.created_at',
  'locations.name as location_name',
  'locations.slug as location_slug',
  'locations.time_zone',
  'locations.work_started_source',
  'customers.first_name',
  'customers.last_name',
  'vehicles.plate',
  'vehicles.make',
  'vehicles.model',
];

function jobsQuery(db: Knex, companyId: number) {
  return db('jobs')
    .join('locations', 'locations.id', 'jobs.location_id')
    .join('customers', 'customers.id', 'jobs.customer_id')
    .join('vehicles', 'vehicles.id', 'jobs.vehicle_id')
    .where('jobs.company_id', companyId);
}

/** Newest first; `search` matches job number, plate (normalised) or customer name. */
export async function listJobs(db: Knex, companyId: number, search = '', limit = 100): Promise<JobListRow[]> {
  const query = jobsQuery(db, companyId)
    .select(
      ...jobColumns,
      db.raw('(select count(*)::int from photos where photos.job_id = jobs.id) as photo_count'),
    )
    .orderBy('jobs.created_at', 'desc')
    .limit(limit);
  const term = search.trim();
  if (term) {
    const plate = normalizePlate(term);
    query.where((where) => {
      where
        .where('jobs.job_number', term)
        .orWhereRaw(`customers.first_name || ' ' || customers.last_name ilike ?`, [`%${term}%`]);
      if (plate) where.orWhere('vehicles.plate_normalized', 'like', `%${plate}%`);
    });
  }
  return query;
}

export interface JobDetail extends JobListRow, JobStateRow {
  email: string;
  phone: string;
  gdpr_consent_at: Date | null;
  notes: string;
}

export async function findJobByNumber(db: Knex, companyId: number, jobNumber: string): Promise<JobDetail | undefined> {
  return jobsQuery(db, companyId)
    .where('jobs.job_number', jobNumber)
    .first(
      ...jobColumns,
      ...jobStateColumns,
      'customers.email',
      'customers.phone',
      'customers.gdpr_consent_at',
      'jobs.notes',
      db.raw('0 as photo_count'),
    );
}

/** The channel web processes LISTEN on to refresh open status pages. */
export const jobChangedChannel = 'job_changed';

export async function saveJobState(db: Knex, jobId: number, job: JobSnapshot): Promise<void> {
  const d = job.dates;
  await db.transaction(async (trx) => {
    await trx('jobs')
      .where({ id: jobId })
      .update({
        step: job.step,
        on_site: job.onSite,
        appointment_at: d.appointment,
        vehicle_in_at: d.vehicle_in,
        ready_for_start_at: d.ready_for_start,
        first_activity_at: d.first_activity,
        planned_end_at: d.planned_end,
        finished_at: d.finished,
        picked_up_at: d.picked_up,
        updated_at: trx.fn.now(),
      });
    // Delivered at commit, to every web replica listening.
    await trx.raw('select pg_notify(?, ?)', [jobChangedChannel, String(jobId)]);
  });
}

const jobStateColumns = [
  'jobs.step',
  'jobs.on_site',
  'jobs.appointment_at',
  'jobs.vehicle_in_at',
  'jobs.ready_for_start_at',
  'jobs.first_activity_at',
  'jobs.planned_end_at',
  'jobs.finished_at',
  'jobs.picked_up_at',
];

export interface JobStateRow {
  id: number;
  job_number: string;
  step: JobSnapshot['step'];
  on_site: boolean;
  appointment_at: Date | null;
  vehicle_in_at: Date | null;
  ready_for_start_at: Date | null;
  first_activity_at: Date | null;
  planned_end_at: Date | null;
  finished_at: Date | null;
  picked_up_at: Date | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function snapshotOf(row: JobStateRow): JobSnapshot {
  return {
    step: row.step,
    onSite: row.on_site,
    dates: {
      appointment: iso(row.appointment_at),
      vehicle_in: iso(row.vehicle_in_at),
      ready_for_start: iso(row.ready_for_start_at),
      first_activity: iso(row.first_activity_at),
      planned_end: iso(row.planned_end_at),
      finished: iso(row.finished_at),
      picked_up: iso(row.picked_up_at),
    },
  };
}

export async function findJobState(db: Knex, jobId: number): Promise<JobStateRow | undefined> {
  return db<JobStateRow>('jobs').where({ id: jobId }).first();
}

export interface OnSiteRow {
  job_number: string;
  plate: string;
  make: string;
  model: string;
  first_name: string;
  last_name: string;
  step: string;
  vehicle_in_at: Date | null;
  planned_end_at: Date | null;
  location_name: string;
  time_zone: string;
}

/** P8: vehicles in the shop now, longest there first. */
export async function vehiclesOnSite(db: Knex, companyId: number): Promise<OnSiteRow[]> {
  return jobsQuery(db, companyId)
    .where('jobs.on_site', true)
    .orderBy('jobs.vehicle_in_at')
    .select(
      'jobs.job_number',
      'vehicles.plate',
      'vehicles.make',
      'vehicles.model',
      'customers.first_name',
      'customers.last_name',
      'jobs.step',
      'jobs.vehicle_in_at',
      'jobs.planned_end_at',
      'locations.name as location_name',
      'locations.time_zone',
    );
}

export interface PortalJob extends JobStateRow {
  location_id: number;
  location_slug: string;
  time_zone: string;
  work_started_source: 'ready_for_start' | 'first_activity';
  plate: string;
  make: string;
  model: string;
  company_id: number;
}

/**
 * A customer's look-up (P4-P6): the job with this number whose vehicle has
 * this plate, within the company of the portal. Plates compare normalised.
 */
export async function findJobByPlateAndNumber(db: Knex, companyId: number, plate: string, jobNumber: string): Promise<PortalJob | undefined> {
  const normalized = normalizePlate(plate);
  if (!normalized || !/^\d{1,12}$/.test(jobNumber.trim())) return undefined;
  return portalJobQuery(db).where({ 'jobs.company_id': companyId, 'jobs.job_number': jobNumber.trim(), 'vehicles.plate_normalized': normalized }).first();
}

export async function findPortalJob(db: Knex, jobId: number): Promise<PortalJob | undefined> {
  return portalJobQuery(db).where('jobs.id', jobId).first();
}

function portalJobQuery(db: Knex) {
  return db('jobs')
    .join('vehicles', 'vehicles.id', 'jobs.vehicle_id')
    .join('locations', 'locations.id', 'jobs.location_id')
    .select(
      'jobs.id',
      'jobs.job_number',
      'jobs.company_id',
      'jobs.location_id',
      ...jobStateColumns,
      'locations.slug as location_slug',
      'locations.time_zone',
      'locations.work_started_source',
      'vehicles.plate',
      'vehicles.make',
      'vehicles.model',
    );
}

export async function jobNumberOf(db: Knex, jobId: number): Promise<string> {
  const row = await db('jobs').where({ id: jobId }).first('job_number');
  return row?.job_number ?? '';
}
