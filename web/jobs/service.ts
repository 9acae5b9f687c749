import { createStaffJob, updateJobDetails, type CreatedStaffJob, type JobEditRow } from '../../db/jobs';
import { advanceJob, startJobLifecycle, type LifecycleDeps } from '../../clients/jobLifecycle';
import { plateChanged } from '../../clients/temporal';
import { jobWorkflowId, type JobEvent, type JobSnapshot, type Refusal } from '../../workflows/jobLifecycle.contract';
import { localInput, localToInstant, type JobForm } from './form';

/** The planned-date fields of the job form and the D4 event each one sends. */
const plannedDates = [
  { field: 'appointment_at', type: 'appointment' },
  { field: 'planned_end_at', type: 'planned_end' },
] as const;

export type PlannedDateField = (typeof plannedDates)[number]['field'];

/**
 * A job staff create (D4): customer, vehicle and job in one transaction, then
 * its lifecycle workflow, which alone records the planned dates (the jobs
 * row is the workflow's read model).
 */
export async function createJob(deps: LifecycleDeps, companyId: number, form: JobForm, timeZone: string): Promise<CreatedStaffJob> {
  const job = await createStaffJob(deps.db, companyId, { ...form.fields, location_id: form.location_id! });
  const planned = plannedDates.filter(({ field }) => form[field]).map(({ field, type }) => ({ type, at: localToInstant(form[field], timeZone) }));
  await startJob(deps, job, planned);
  return job;
}

/**
 * Starts the D4 workflow of a job just created (at the desk, or from a board
 * card, W3) and records its planned dates. A new job takes an appointment and
 * a planned end in any order: a refusal here is a bug, not a user error.
 * Answers the job's state after them.
 */
export async function startJob(deps: LifecycleDeps, job: CreatedStaffJob, planned: JobEvent[]): Promise<JobSnapshot | undefined> {
  await startJobLifecycle(deps, job);
  let state: JobSnapshot | undefined;
  for (const event of planned) {
    const result = await advanceJob(deps, job, event);
    if (!result.ok) throw new Error(`job ${job.job_number}: ${event.type} refused at creation (${result.refusal})`);
    state = result.job;
  }
  return state;
}

export type EditResult = { ok: true } | { ok: false; field: PlannedDateField; refusal: Refusal };

/**
 * Saves an edited job. Changed planned dates go to the workflow first: when
 * it refuses one (the appointment once the vehicle is in), nothing else is
 * saved and the form shows why.
 */
export async function editJob(deps: LifecycleDeps, job: JobEditRow, form: JobForm): Promise<EditResult> {
  const ref = { id: job.id, job_number: job.job_number, plate: form.fields.vehicle.plate, location_slug: job.location_slug };
  const current = { appointment_at: localInput(job.appointment_at, job.time_zone), planned_end_at: localInput(job.planned_end_at, job.time_zone) };
  for (const { field, type } of plannedDates) {
    if (!form[field] || form[field] === current[field]) continue;
    const event: JobEvent = { type, at: localToInstant(form[field], job.time_zone) };
    const result = await advanceJob(deps, ref, event);
    if (!result.ok) return { ok: false, field, refusal: result.refusal };
  }
  await updateJobDetails(deps.db, job, form.fields);
  await plateChanged(deps.temporal, jobWorkflowId(job.job_number), job.plate, form.fields.vehicle.plate);
  return { ok: true };
}
