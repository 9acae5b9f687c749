import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJobForEdit, findJobState, snapshotOf } from '../db/jobs';
import { normalizePlate } from '../lib/plates';
import { editJob } from '../web/jobs/service';
import { confirmByToken } from '../web/booking/service';
import { advanceJob } from '../clients/jobLifecycle';
import { seedDemo } from '../db/seeds/demo';
import { bookingWorkflowId } from '../workflows/booking.contract';
import { jobStatusQuery, jobWorkflowId, type JobEvent } from '../workflows/jobLifecycle.contract';
import { plateKey } from '../workflows/searchAttributes.contract';
import { book, bookingDeps, firstSlot, wizardFor } from './support/booking';
import { createJob, createLocation, type JobFixture } from './support/fixtures';
import { confirmationLink, waitForMail } from './support/mail';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

describe('D4 job lifecycle workflow against real Temporal and PostgreSQL', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const deps = () => ({ db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE });
  const step = (job: JobFixture, type: JobEvent['type'], at = new Date().toISOString()) => advanceJob(deps(), job, { type, at });
  const dbState = async (job: JobFixture) => snapshotOf((await findJobState(platform.db, job.id))!);
  const workflowState = (job: JobFixture) => platform.temporal.workflow.getHandle(jobWorkflowId(job.job_number)).query(jobStatusQuery);

  it('records each transition in the workflow and the jobs row; pickup clears on-site and completes it', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);

    const appointment = await step(job, 'appointment', '2026-12-01T08:00:00.000Z');
    expect(appointment).toMatchObject({ ok: true, job: { step: 'appointment', dates: { appointment: '2026-12-01T08:00:00.000Z' } } });
    expect(await step(job, 'vehicle_in')).toMatchObject({ ok: true, job: { step: 'vehicle_in', onSite: true } });
    expect(await dbState(job)).toMatchObject({ step: 'vehicle_in', onSite: true });
    expect(await step(job, 'planned_end', '2026-12-05T16:00:00.000Z')).toMatchObject({ ok: true, job: { step: 'vehicle_in' } });
    expect(await step(job, 'activity_started')).toMatchObject({ ok: true, job: { step: 'work_started' } });
    expect(await step(job, 'finished')).toMatchObject({ ok: true, job: { step: 'finished', onSite: true } });
    const picked = await step(job, 'picked_up');
    expect(picked).toMatchObject({ ok: true, job: { step: 'picked_up', onSite: false } });

    const row = await platform.db('jobs').where({ id: job.id }).first();
    expect(row).toMatchObject({ step: 'picked_up', on_site: false });
    expect(row.planned_end_at.toISOString()).toBe('2026-12-05T16:00:00.000Z');
    const handle = platform.temporal.workflow.getHandle(jobWorkflowId(job.job_number));
    expect((await handle.result()).step).toBe('picked_up');
    // A picked-up job takes no further steps, and its workflow is not started again.
    expect(await step(job, 'planned_end')).toEqual({ ok: false, refusal: 'pickedUp' });
  });

  it('a corrected plate follows into the Plate search attribute of the running workflow; a picked-up job is left alone', async () => {
    const { companyId, location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    expect(await step(job, 'appointment')).toMatchObject({ ok: true });
    const handle = platform.temporal.workflow.getHandle(jobWorkflowId(job.job_number));
    expect((await handle.describe()).typedSearchAttributes.get(plateKey)).toBe(normalizePlate(job.plate));

    const edit = async (plate: string) => {
      const row = (await findJobForEdit(platform.db, companyId, job.job_number))!;
      const fields = {
        customer: { first_name: row.first_name, last_name: row.last_name, email: row.email, phone: row.phone, language: row.language },
        vehicle: { plate, vin: row.vin, make: row.make, model: row.model },
        damage_flow_type_id: row.damage_flow_type_id,
        notes: row.notes,
      };
      return editJob(deps(), row, { fields, location_id: null, appointment_at: '', planned_end_at: '' });
    };
    expect(await edit('9-fix-999')).toEqual({ ok: true });
    const found = await waitUntil('the workflow found by its new plate', async () => {
      const listed = [];
      for await (const execution of platform.temporal.workflow.list({ query: `Plate = '9FIX999'` })) listed.push(execution.workflowId);
      return listed.length > 0 ? listed : undefined;
    });
    expect(found).toEqual([handle.workflowId]);
    expect((await handle.describe()).typedSearchAttributes.get(plateKey)).toBe('9FIX999');

    // Picked up: the workflow has ended; the plate is saved all the same.
    for (const type of ['vehicle_in', 'activity_started', 'finished', 'picked_up'] as const) expect(await step(job, type)).toMatchObject({ ok: true });
    await handle.result();
    expect(await edit('9-fix-998')).toEqual({ ok: true });
    expect((await findJobForEdit(platform.db, companyId, job.job_number))!.plate).toBe('9-fix-998');
  });

  it('refuses each step out of order with its reason, and keeps the state unchanged', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    expect(await step(job, 'vehicle_in')).toEqual({ ok: false, refusal: 'needsAppointment' });
    expect(await step(job, 'appointment')).toMatchObject({ ok: true });
    expect(await step(job, 'ready_for_start')).toEqual({ ok: false, refusal: 'needsVehicleIn' });
    expect(await step(job, 'finished')).toEqual({ ok: false, refusal: 'needsWorkStarted' });
    expect(await step(job, 'picked_up')).toEqual({ ok: false, refusal: 'needsFinished' });
    expect(await step(job, 'vehicle_in')).toMatchObject({ ok: true });
    expect(await step(job, 'appointment')).toEqual({ ok: false, refusal: 'vehicleAlreadyIn' });
    expect(await dbState(job)).toMatchObject({ step: 'vehicle_in', onSite: true });
    expect(await workflowState(job)).toEqual(await dbState(job));
  });

  it('serialises simultaneous steps: of two "vehicle in" at once, one is accepted', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    await step(job, 'appointment');
    const results = await Promise.all([step(job, 'vehicle_in'), step(job, 'vehicle_in'), step(job, 'vehicle_in')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.refusal === 'vehicleAlreadyIn')).toHaveLength(2);
  });

  it('the workflow and the database agree after a worker restart', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    await step(job, 'appointment');
    await step(job, 'vehicle_in');
    await platform.stopWorker();
    await platform.startWorker();
    expect(await step(job, 'ready_for_start')).toMatchObject({ ok: true, job: { step: 'work_started' } });
    expect(await workflowState(job)).toEqual(await dbState(job));
    expect((await dbState(job)).step).toBe('work_started');
  });

  it('a job confirmed in the portal starts its lifecycle workflow, found by job number', async () => {
    const { location } = await createLocation(platform.db);
    const wizard = wizardFor(location, await firstSlot(platform, location));
    const { bookingId } = await book(platform, location, wizard);
    const result = await confirmByToken(bookingDeps(platform), new URL(confirmationLink(await waitForMail(wizard.contact!.email))).pathname.split('/').pop()!);
    if (result.status !== 'confirmed') throw new Error('not confirmed');
    // Confirm answers once the job row is written; the job's workflow starts right after (booking-answers-at-job-row).
    const state = await waitUntil('the job workflow started', () => workflowState({ id: 0, job_number: result.jobNumber, plate: '', location_slug: '' }));
    expect(state).toMatchObject({ step: 'new' });
    const found = await waitUntil('the job workflow in visibility', async () => {
      const ids: string[] = [];
      for await (const execution of platform.temporal.workflow.list({ query: `JobNumber = '${result.jobNumber}'` })) ids.push(execution.workflowId);
      return ids.includes(jobWorkflowId(result.jobNumber)) ? ids : undefined;
    });
    expect(found).toContain(jobWorkflowId(result.jobNumber));

    // Started by the booking's follow-up activity as every job's D4 is (booking-starts-job-workflows): no child of the
    // booking, its Plate from the vehicle, and nothing left for the workflow-start sweep to start for this job.
    const described = await platform.temporal.workflow.getHandle(jobWorkflowId(result.jobNumber)).describe();
    expect(described.parentExecution).toBeUndefined();
    expect(described.typedSearchAttributes.get(plateKey)).toBe(normalizePlate(wizard.vehicle!.plate));
    const job = await platform.db('jobs').where({ job_number: result.jobNumber }).first('id');
    expect(await platform.db('workflow_starts').where({ kind: 'job', key: job.id }).first()).toBeUndefined();
    const booking = platform.temporal.workflow.getHandle(bookingWorkflowId(bookingId));
    await booking.result();
    const events = (await booking.fetchHistory()).events ?? [];
    expect(events.filter((event) => event.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    expect(events.flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? [])).toContain('startJobWorkflows');
  });

  it('from the workflow-start sweep every job not picked up gets its running workflow, the demo jobs included; a picked-up one none', async () => {
    const demoJobs = await seedDemo(platform.db);
    expect(demoJobs.length).toBeGreaterThanOrEqual(2);
    const { location } = await createLocation(platform.db);
    const pickedUp = await createJob(platform.db, location);
    await platform.db('jobs').where({ id: pickedUp.id }).update({ step: 'picked_up' });

    const sweep = () => platform.activities.startOutstandingWorkflows({ graceMs: 0 });
    expect((await sweep()).started).toBeGreaterThanOrEqual(demoJobs.length);
    const rows = await platform.db('jobs').whereIn('job_number', demoJobs.map((demo) => demo.jobNumber)).select('id');
    await platform.db('workflow_starts').insert(rows.map(({ id }) => ({ kind: 'job', key: id })));
    await sweep(); // the rows once more (a second sweep): the running ones are kept
    for (const demo of demoJobs) {
      const handle = platform.temporal.workflow.getHandle(jobWorkflowId(demo.jobNumber));
      const described = await handle.describe();
      expect(described.status.name).toBe('RUNNING');
      expect(described.typedSearchAttributes.get(plateKey)).toBe(normalizePlate(demo.plate));
      const row = await platform.db('jobs').where({ job_number: demo.jobNumber }).first('id');
      expect(await handle.query(jobStatusQuery)).toEqual(snapshotOf((await findJobState(platform.db, row.id))!));
      const runs = await waitUntil('the run in visibility', async () => (await platform.temporal.workflow.count(`WorkflowId = '${handle.workflowId}'`)).count || undefined);
      expect(runs).toBe(1);
    }
    await expect(platform.temporal.workflow.getHandle(jobWorkflowId(pickedUp.job_number)).describe()).rejects.toThrow(WorkflowNotFoundError);
  });
});
