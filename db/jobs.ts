import type { Knex } from 'knex';
import { columnOfStep } from '../lib/board';
import { cursorAtSql, pageOf, type ListCursor } from '../lib/listCursor';
import { normalizePlate } from '../lib/plates';
import { likeAnywhere } from './likePatterns';
import { preparedStatementByShape } from './prepared';
import { recordJobBoardChange } from './boardEvents';
import { jobAppointmentColumn, jobEstimateColumn, syncJobAppointment, type JobAppointmentChange } from './appointments';
import type { JobSnapshot } from '../workflows/jobLifecycle.contract';
import { matchOrCreateCustomer, updateCustomerContact } from './customers';
import { matchOrCreateVehicle, reviseVehicle } from './vehicles';

export interface JobRow {
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

/** What the jobs list shows of a job: fifty rows a page, so nothing it does not show. */
export type JobListRow = Pick<
  JobRow,
  'id' | 'job_number' | 'estimate_at' | 'location_name' | 'time_zone' | 'first_name' | 'last_name' | 'plate' | 'make' | 'model' | 'photo_count'
>;

const jobColumns = (db: Knex) => [
  'jobs.id',
  'jobs.job_number',
  'jobs.source',
  jobEstimateColumn(db),
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

/** Newest first; `search` matches job number, plate (normalised) or customer name; `before` pages on (keyset). */
export async function listJobs(
  db: Knex,
  companyId: number,
  { search = '', before, limit = 50 }: { search?: string; before?: ListCursor; limit?: number } = {},
): Promise<{ jobs: JobListRow[]; next: ListCursor | null }> {
  const term = search.trim() || undefined;
  const plate = term && normalizePlate(term);
  const found = await jobsPage(
    db,
    { companyId, beforeAt: before?.at, beforeId: before?.id, term, namePattern: term && likeAnywhere(term), platePattern: plate ? likeAnywhere(plate) : undefined },
    limit,
  );
  const { rows, next } = pageOf(found, limit);
  return { jobs: rows, next };
}

/** One page of the jobs list: a statement for each of its shapes (a search, a plate, a cursor), compiled once; a search planned for its term. */
const jobsPage = preparedStatementByShape<
  { companyId: number; beforeAt?: string; beforeId?: number; term?: string; namePattern?: string; platePattern?: string },
  JobListRow & { cursor_at: string },
  number
>((db, { companyId, beforeAt, beforeId, term, namePattern, platePattern }, limit) => {
  const query = jobsQuery(db, companyId)
    .select(
      'jobs.id',
      'jobs.job_number',
      jobEstimateColumn(db),
      'locations.name as location_name',
      'locations.time_zone',
      'customers.first_name',
      'customers.last_name',
      'vehicles.plate',
      'vehicles.make',
      'vehicles.model',
      db.raw('(select count(*)::int from photos where photos.job_id = jobs.id) as photo_count'),
      db.raw(`${cursorAtSql('jobs.created_at')} as cursor_at`),
    )
    .orderBy([{ column: 'jobs.created_at', order: 'desc' }, { column: 'jobs.id', order: 'desc' }])
    // The page size in the SQL, not a parameter: a named statement's generic plan knows it reads 51 rows off the index
    // (with LIMIT $n PostgreSQL priced the generic plan as a sort of every row and planned each run afresh).
    .limit(limit + 1, { skipBinding: true });
  if (beforeAt !== undefined) query.whereRaw('(jobs.created_at, jobs.id) < (?::timestamptz, ?)', [beforeAt, beforeId!]);
  if (term !== undefined) {
    // Each way a job matches is found from its own index, and the jobs of all of them from jobs' indexes (a bitmap OR):
    // the customers whose name has the term (customers_name_trgm, so the expression is that index's), the vehicles whose
    // plate has it (vehicles_plate_trgm), the job of that number; customers and vehicles of this company only, so another
    // company's many namesakes never fill the arrays. A condition OR-ing columns of three joined tables read every job of
    // the company with its customer and vehicle instead.
    query.where((where) => {
      where
        .where('jobs.job_number', term)
        .orWhereRaw(
          `jobs.customer_id = any(array(select customers.id from customers where lower(customers.first_name || ' ' || customers.last_name) like lower(?) and customers.company_id = ?))`,
          [namePattern!, companyId],
        );
      if (platePattern !== undefined) {
        where.orWhereRaw(`jobs.vehicle_id = any(array(select vehicles.id from vehicles where vehicles.plate_normalized like ? and vehicles.company_id = ?))`, [platePattern, companyId]);
      }
    });
  }
  return query;
}, { plannedForEachRunWith: 'term' });

export interface JobDetail extends JobRow, JobStateRow {
  customer_id: number;
  email: string;
  phone: string;
  gdpr_consent_at: Date | null;
  notes: string;
  vin: string;
  /** null: the job follows the company's default flow type */
  damage_flow_type_id: number | null;
  /** the name of the job's flow type, or of the default it follows */
  damage_flow_type_name: string | null;
}

export async function findJobByNumber(db: Knex, companyId: number, jobNumber: string): Promise<JobDetail | undefined> {
  return jobsQuery(db, companyId)
    .where('jobs.job_number', jobNumber)
    .first(
      ...jobColumns(db),
      ...jobStateColumns(db),
      'jobs.customer_id',
      'customers.email',
      'customers.phone',
      'customers.gdpr_consent_at',
      'jobs.notes',
      'vehicles.vin',
      'jobs.damage_flow_type_id',
      db.raw(`(select d.name from damage_flow_types d
                where d.id = coalesce(jobs.damage_flow_type_id,
                  (select x.id from damage_flow_types x where x.company_id = jobs.company_id and x.is_default))) as damage_flow_type_name`),
      db.raw('0 as photo_count'),
    );
}

/** The channel web processes LISTEN on to refresh open status pages. */
export const jobChangedChannel = 'job_changed';

/**
 * Writes a D4 state to its read model: the jobs row and the job's repair
 * appointment (created, moved or cancelled with the date the workflow holds).
 * Answers how that appointment changed, so its check-in workflow can follow.
 */
export async function saveJobState(db: Knex, jobId: number, job: JobSnapshot): Promise<JobAppointmentChange | undefined> {
  const d = job.dates;
  return db.transaction(async (trx) => {
    const appointment = await syncJobAppointment(trx, jobId, d.appointment);
    await trx('jobs')
      .where({ id: jobId })
      .update({
        step: job.step,
        on_site: job.onSite,
        vehicle_in_at: d.vehicle_in,
        ready_for_start_at: d.ready_for_start,
        first_activity_at: d.first_activity,
        planned_end_at: d.planned_end,
        finished_at: d.finished,
        picked_up_at: d.picked_up,
        updated_at: trx.fn.now(),
      });
    // Delivered at commit, to every web replica listening: the status pages and the job's board cards (W3, B2).
    await trx.raw('select pg_notify(?, ?)', [jobChangedChannel, String(jobId)]);
    await recordJobBoardChange(trx, jobId, columnOfStep(job.step));
    return appointment;
  });
}

const jobStateColumns = (db: Knex) => [
  'jobs.step',
  'jobs.on_site',
  jobAppointmentColumn(db),
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
  return db('jobs').where({ id: jobId }).first<JobStateRow>('jobs.id', 'jobs.job_number', ...jobStateColumns(db));
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
      ...jobStateColumns(db),
      'locations.slug as location_slug',
      'locations.time_zone',
      'locations.work_started_source',
      'vehicles.plate',
      'vehicles.make',
      'vehicles.model',
    );
}

export async function jobNumberOf(db: Knex, jobId: number): Promise<string> {
  return (await jobReference(db, jobId))?.job_number ?? '';
}

/** A job's number and customer (what a message about the job names and is filed under). */
export async function jobReference(db: Knex, jobId: number): Promise<{ job_number: string; customer_id: number } | undefined> {
  return db('jobs').where({ id: jobId }).first('job_number', 'customer_id');
}

/** What staff type for a job at the desk (D4): its customer, its vehicle and the job's own fields. */
export interface StaffJobFields {
  /** the customer number too where it is known (a board card's customer, W3): the master matches it first */
  customer: { customer_number?: string | null; first_name: string; last_name: string; email: string; phone: string; language: string };
  vehicle: { plate: string; vin: string; make: string; model: string };
  /** null: the job follows the company's default flow type */
  damage_flow_type_id: number | null;
  notes: string;
}

export interface CreatedStaffJob {
  id: number;
  job_number: string;
  plate: string;
  location_slug: string;
}

/**
 * Creates customer, vehicle and job for a job staff open, in one
 * transaction. Customer and vehicle come from the one customer file and
 * vehicle master (db/customers.ts, db/vehicles.ts, the same rules as portal
 * bookings and lead appointments): a known customer or vehicle gets its
 * blanks filled, what the shop already knows stays. The lifecycle columns
 * stay empty: only the job's D4 workflow writes them.
 */
export async function createStaffJob(
  db: Knex,
  companyId: number,
  job: StaffJobFields & { location_id: number; /** W3: the visit the job is opened for (a card moved out of New) */ appointment_id?: number },
): Promise<CreatedStaffJob> {
  return db.transaction(async (trx) => {
    const location = await trx('locations').where({ id: job.location_id, company_id: companyId }).first('slug');
    if (!location) throw new Error(`location ${job.location_id} is not one of company ${companyId}`);
    if (job.damage_flow_type_id !== null) {
      const flow = await trx('damage_flow_types').where({ id: job.damage_flow_type_id, company_id: companyId }).first('id');
      if (!flow) throw new Error(`damage flow type ${job.damage_flow_type_id} is not one of company ${companyId}`);
    }

    const { customer: c, vehicle: v } = job;
    const customer = await matchOrCreateCustomer(trx, companyId, c);
    const vehicle = await matchOrCreateVehicle(trx, companyId, customer.id, v);

    const {
      rows: [{ next }],
    } = await trx.raw(`select nextval('job_number_seq') as next`);
    const [created] = await trx('jobs')
      .insert({
        company_id: companyId,
        location_id: job.location_id,
        job_number: String(next),
        customer_id: customer.id,
        vehicle_id: vehicle.id,
        source: 'staff',
        damage_flow_type_id: job.damage_flow_type_id,
        notes: job.notes,
      })
      .returning(['id', 'job_number']);
    if (job.appointment_id !== undefined) {
      // The visit becomes the job's D4 appointment (syncJobAppointment finds it), its walk-in vehicle the master's (M8).
      const linked = await trx('appointments')
        .where({ id: job.appointment_id, company_id: companyId, location_id: job.location_id })
        .whereNull('job_id')
        .whereNot('kind', 'estimate')
        .update({
          job_id: created.id,
          customer_id: customer.id,
          vehicle_id: vehicle.id,
          vehicle_owner_warning: vehicle.outcome === 'other_owner',
          walk_in_plate: '', walk_in_vin: '', walk_in_make: '', walk_in_model: '',
          updated_at: trx.fn.now(),
        });
      if (linked === 0) throw new Error(`appointment ${job.appointment_id} cannot get job ${created.job_number}: it has one, or is not a visit of location ${job.location_id}`);
    }
    return { id: created.id, job_number: created.job_number, plate: v.plate, location_slug: location.slug };
  });
}

/** A job as its edit form shows it. */
export interface JobEditRow {
  id: number;
  job_number: string;
  company_id: number;
  location_id: number;
  location_slug: string;
  location_name: string;
  time_zone: string;
  customer_id: number;
  vehicle_id: number;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  language: string;
  plate: string;
  vin: string;
  make: string;
  model: string;
  damage_flow_type_id: number | null;
  notes: string;
  step: JobSnapshot['step'];
  appointment_at: Date | null;
  planned_end_at: Date | null;
}

export async function findJobForEdit(db: Knex, companyId: number, jobNumber: string): Promise<JobEditRow | undefined> {
  return jobsQuery(db, companyId)
    .where('jobs.job_number', jobNumber)
    .first<JobEditRow>(
      'jobs.id',
      'jobs.job_number',
      'jobs.company_id',
      'jobs.location_id',
      'locations.slug as location_slug',
      'locations.name as location_name',
      'locations.time_zone',
      'jobs.customer_id',
      'jobs.vehicle_id',
      'customers.first_name',
      'customers.last_name',
      'customers.email',
      'customers.phone',
      'customers.language',
      'vehicles.plate',
      'vehicles.vin',
      'vehicles.make',
      'vehicles.model',
      'jobs.damage_flow_type_id',
      'jobs.notes',
      'jobs.step',
      jobAppointmentColumn(db),
      'jobs.planned_end_at',
    );
}

/**
 * Saves what staff changed on a job's customer, vehicle and the job itself,
 * in one transaction; the customer and vehicle records are the job's own
 * (a corrected plate or e-mail address is corrected everywhere — staff
 * chose it, so this overwrites, db/customers.ts updateCustomerContact). Lifecycle
 * dates are not written here: they go through the job's D4 workflow.
 */
export async function updateJobDetails(db: Knex, job: Pick<JobEditRow, 'id' | 'company_id' | 'customer_id' | 'vehicle_id'>, fields: StaffJobFields): Promise<void> {
  await db.transaction(async (trx) => {
    if (fields.damage_flow_type_id !== null) {
      const flow = await trx('damage_flow_types').where({ id: fields.damage_flow_type_id, company_id: job.company_id }).first('id');
      if (!flow) throw new Error(`damage flow type ${fields.damage_flow_type_id} is not one of company ${job.company_id}`);
    }
    await updateCustomerContact(trx, job.company_id, job.customer_id, fields.customer);
    // A plate or VIN corrected to another vehicle's of the master makes that vehicle the job's (db/vehicles.ts).
    const vehicleId = await reviseVehicle(trx, job.company_id, job.vehicle_id, fields.vehicle);
    await trx('jobs')
      .where({ id: job.id })
      .update({ damage_flow_type_id: fields.damage_flow_type_id, notes: fields.notes, vehicle_id: vehicleId });
  });
}
