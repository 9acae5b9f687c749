import type { Knex } from 'knex';
import { normalizePlate } from '../lib/plates';

export interface JobListRow {
  id: number;
  job_number: string;
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
  'locations.time_zone',
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

export interface JobDetail extends JobListRow {
  email: string;
  phone: string;
  gdpr_consent_at: Date | null;
  notes: string;
}

export async function findJobByNumber(db: Knex, companyId: number, jobNumber: string): Promise<JobDetail | undefined> {
  return jobsQuery(db, companyId)
    .where('jobs.job_number', jobNumber)
    .first(...jobColumns, 'customers.email', 'customers.phone', 'customers.gdpr_consent_at', 'jobs.notes', db.raw('0 as photo_count'));
}
