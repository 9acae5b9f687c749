import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStaffAppointment } from '../db/appointments';
import { createDb, migrate } from '../db/knex';
import { seedDemo } from '../db/seeds/demo';
import { createLogger } from '../lib/logger';
import { startCheckinWorkflow } from '../clients/checkinWorkflow';
import { startJobLifecycle } from '../clients/jobLifecycle';
import { housekeepingScheduleId } from '../clients/housekeeping';
import { ensureSearchAttributes } from '../clients/temporal';
import { workflowStartsScheduleId } from '../clients/workflowStarts';
import { appointmentImportScheduleId } from '../workflows/appointmentImport.contract';
import { checkinWorkflowId } from '../workflows/checkIn.contract';
import { jobStatusQuery, jobWorkflowId } from '../workflows/jobLifecycle.contract';
import { leadStateQuery, leadWorkflowId } from '../workflows/lead.contract';
import { workflowStartsWorkflowType, type WorkflowStartsWorkflow } from '../workflows/workflowStarts.contract';
import { ensureSchedules } from '../worker';
import { createJob, createLocation, insertLead, uniqueEmail } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

const HOUR = 3_600_000;

/**
 * Issue 14: the worker's start-up no longer scans leads, appointments and
 * jobs for missing workflows. A trigger writes each one that needs a
 * workflow into the outbox (db/workflowStarts.ts) in the writer's own
 * transaction; the sweep (workflows/workflowStarts.ts, every minute) starts
 * what the writer could not.
 */
describe('workflow-start outbox: a row whose workflow start failed still gets it, the start-up reads no rows', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const deps = () => ({ db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE });
  /** Temporal refusing every start, as when it is down just after the writer's commit. */
  const down = () => ({ ...deps(), temporal: { workflow: { start: () => Promise.reject(new Error('14 UNAVAILABLE: Temporal is down')) } } as unknown as Client });
  const outbox = (kind: string, key: number) => platform.db('workflow_starts').where({ kind, key }).first();
  const sweep = () => platform.activities.startOutstandingWorkflows({ graceMs: 0 });
  const runs = (workflowId: string) => waitUntil(`${workflowId} in visibility`, async () => (await platform.temporal.workflow.count(`WorkflowId = '${workflowId}'`)).count || undefined);

  it('a lead, an appointment and a job whose start failed (or was never made) get their workflows from the sweep, once', async () => {
    const { companyId, location } = await createLocation(platform.db);
    // A lead an import wrote (no start at all).
    const leadId = await insertLead(platform.db, companyId, location.id, { email: uniqueEmail('outbox') });
    // An appointment staff typed in while Temporal was down: the row is committed, the start throws.
    const appointment = await createStaffAppointment(platform.db, companyId, {
      locationId: location.id, startsAt: new Date(Date.now() + 48 * HOUR), endsAt: new Date(Date.now() + 49 * HOUR), notes: '', staffId: null as unknown as number,
      customer: { first_name: 'Outbox', last_name: 'Test', email: uniqueEmail('outbox'), phone: '', language: 'en' }, vehicle: { plate: '', vin: '', make: '', model: '' },
    });
    await expect(startCheckinWorkflow(down(), appointment.id)).rejects.toThrow(/UNAVAILABLE/);
    // A job created at the desk while Temporal was down.
    const job = await createJob(platform.db, location);
    await expect(startJobLifecycle(down(), job)).rejects.toThrow(/UNAVAILABLE/);
    // Rows that want no workflow any more: a picked-up job, an appointment in the past.
    const pickedUp = await createJob(platform.db, location);
    await platform.db('jobs').where({ id: pickedUp.id }).update({ step: 'picked_up' });
    const past = await createStaffAppointment(platform.db, companyId, {
      locationId: location.id, startsAt: new Date(Date.now() + HOUR), endsAt: new Date(Date.now() + 2 * HOUR), notes: '', staffId: null as unknown as number,
      customer: { first_name: 'Past', last_name: 'Test', email: uniqueEmail('past'), phone: '', language: 'en' }, vehicle: { plate: '', vin: '', make: '', model: '' },
    });
    await platform.db('appointments').where({ id: past.id }).update({ status: 'cancelled' });

    // Each writer's transaction left its row in the outbox.
    for (const [kind, key] of [['lead', leadId], ['checkin', appointment.id], ['job', job.id], ['job', pickedUp.id], ['checkin', past.id]] as const) {
      expect(await outbox(kind, key), `${kind} ${key}`).toBeDefined();
    }
    // Within the grace period the writer's own start is awaited: nothing is swept yet.
    expect(await platform.activities.startOutstandingWorkflows({ graceMs: 60_000 })).toEqual({ started: 0, dropped: 0, failed: 0, more: false });

    const swept = await sweep();
    expect(swept).toMatchObject({ failed: 0, more: false });
    expect(swept.started).toBeGreaterThanOrEqual(3);
    expect(swept.dropped).toBeGreaterThanOrEqual(2);
    expect(Number((await platform.db('workflow_starts').count({ n: '*' }).first())!.n)).toBe(0);

    await waitUntil('the lead acknowledged', async () => (await platform.temporal.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery)).acknowledged);
    expect((await platform.temporal.workflow.getHandle(checkinWorkflowId(appointment.id)).describe()).status.name).toBe('RUNNING');
    expect(await platform.temporal.workflow.getHandle(jobWorkflowId(job.job_number)).query(jobStatusQuery)).toMatchObject({ step: 'new' });
    await expect(platform.temporal.workflow.getHandle(jobWorkflowId(pickedUp.job_number)).describe()).rejects.toThrow(WorkflowNotFoundError);
    await expect(platform.temporal.workflow.getHandle(checkinWorkflowId(past.id)).describe()).rejects.toThrow(WorkflowNotFoundError);

    // The same rows again (a second sweep, a row written twice): the running workflows are kept.
    await platform.db('workflow_starts').insert([{ kind: 'lead', key: leadId }, { kind: 'job', key: job.id }]);
    expect(await sweep()).toMatchObject({ started: 2, failed: 0 });
    for (const id of [leadWorkflowId(leadId), checkinWorkflowId(appointment.id), jobWorkflowId(job.job_number)]) expect(await runs(id)).toBe(1);
  });

  it('a writer whose start succeeds takes its row out of the outbox: the sweep has nothing to confirm', async () => {
    const { companyId, location } = await createLocation(platform.db);
    const appointment = await createStaffAppointment(platform.db, companyId, {
      locationId: location.id, startsAt: new Date(Date.now() + 72 * HOUR), endsAt: new Date(Date.now() + 73 * HOUR), notes: '', staffId: null as unknown as number,
      customer: { first_name: 'Started', last_name: 'Test', email: uniqueEmail('started'), phone: '', language: 'en' }, vehicle: { plate: '', vin: '', make: '', model: '' },
    });
    const job = await createJob(platform.db, location);
    expect(await outbox('checkin', appointment.id)).toBeDefined();
    await startCheckinWorkflow(deps(), appointment.id);
    await startJobLifecycle(deps(), job);
    expect(await outbox('checkin', appointment.id)).toBeUndefined();
    expect(await outbox('job', job.id)).toBeUndefined();
  });

  it('a start that keeps failing stays in the outbox for the next sweep, and the sweep says so', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const failing = { ...platform.deps, temporal: down().temporal };
    const { createWorkflowStartActivities } = await import('../activities/workflowStarts');
    await expect(createWorkflowStartActivities(failing).startOutstandingWorkflows({ graceMs: 0 })).rejects.toThrow(/1 workflow start\(s\) failed/);
    expect(await outbox('job', job.id)).toBeDefined();
    expect(await sweep()).toMatchObject({ failed: 0 });
    expect(await outbox('job', job.id)).toBeUndefined();
  });

  it('the Schedule\'s workflow sweeps what is older than the grace period: the demo seed\'s rows get their workflows', async () => {
    const demoJobs = await seedDemo(platform.db);
    await platform.db('workflow_starts').update({ created_at: platform.db.raw(`now() - interval '5 minutes'`) });
    const result = await platform.temporal.workflow.execute<WorkflowStartsWorkflow>(workflowStartsWorkflowType, {
      workflowId: `workflow-starts-${Date.now()}`,
      taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
    });
    expect(result.failed).toBe(0);
    expect(result.started).toBeGreaterThanOrEqual(demoJobs.length);
    for (const demo of demoJobs) {
      expect((await platform.temporal.workflow.getHandle(jobWorkflowId(demo.jobNumber)).describe()).status.name).toBe('RUNNING');
    }
  });

  it('the worker\'s start-up costs the same with 10 or 1,000 more rows: no query reads leads, appointments or jobs, no visibility scan', async () => {
    const { companyId, location } = await createLocation(platform.db);
    const addLeads = (n: number) =>
      platform.db('leads').insert(
        Array.from({ length: n }, (_, i) => ({ company_id: companyId, location_id: location.id, desired_date: '2026-12-01', time_window: 'any', first_name: `Bulk${i}`, last_name: 'Lead', email: `bulk${i}@example.test`, plate: `B-${i}`, gdpr_consent_at: new Date() })),
      );
    const log = createLogger('silent', 'test');
    const list = vi.spyOn(platform.temporal.workflow, 'list');
    /** What worker.ts main() does before it polls, less building the Worker, on a pool of its own (as the worker process has): the queries it makes. */
    const startUp = async () => {
      const db = createDb(platform.config.DATABASE_URL, 2);
      const queries: string[] = [];
      db.on('query', (query: { sql: string }) => queries.push(query.sql));
      try {
        await migrate(db);
        await ensureSearchAttributes(platform.temporal, platform.config.TEMPORAL_NAMESPACE, log);
        await ensureSchedules(platform.temporal, platform.config.TEMPORAL_TASK_QUEUE, log);
      } finally {
        await db.destroy();
      }
      return queries;
    };
    await addLeads(10);
    await startUp(); // the first one creates the Schedules
    const small = await startUp();
    await addLeads(1_000);
    const large = await startUp();
    expect(large).toEqual(small);
    expect(large.filter((sql) => /\b(leads|appointments|jobs)\b/.test(sql))).toEqual([]);
    expect(list).not.toHaveBeenCalled();
    list.mockRestore();
    // The rows are the sweep's: each is in the outbox (taken out again, and the Schedules deleted, so no sweep mails 1,010 test leads).
    expect(Number((await platform.db('workflow_starts').where({ kind: 'lead' }).count({ n: '*' }).first())!.n)).toBeGreaterThanOrEqual(1_010);
    for (const id of [housekeepingScheduleId, appointmentImportScheduleId, workflowStartsScheduleId]) await platform.temporal.schedule.getHandle(id).delete();
    await platform.db('workflow_starts').delete();
  });
});
