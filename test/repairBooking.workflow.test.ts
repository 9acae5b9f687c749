import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPortalJob } from '../db/jobs';
import { advanceJob } from '../clients/jobLifecycle';
import { confirmByToken } from '../web/booking/service';
import { repairOptions, requestRepair } from '../web/repair/service';
import { jobStatusQuery, jobWorkflowId } from '../workflows/jobLifecycle.contract';
import { bookingDeps } from './support/booking';
import { createJob, createLocation, type JobFixture } from './support/fixtures';
import { confirmationLink, waitForMail } from './support/mail';
import { startPlatform, type Platform } from './support/platform';

const everyDay = [1, 2, 3, 4, 5, 6, 7];

describe('P4 repair booking: daily capacity per damage flow type, confirmed through D1', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const deps = () => bookingDeps(platform);
  const portalJob = async (job: JobFixture) => (await findPortalJob(platform.db, job.id))!;
  const emailOf = async (job: JobFixture) =>
    (await platform.db('customers').join('jobs', 'jobs.customer_id', 'customers.id').where('jobs.id', job.id).first('customers.email')).email as string;
  const confirmFromMail = async (job: JobFixture, count = 1) => {
    const token = new URL(confirmationLink(await waitForMail(await emailOf(job), count))).pathname.split('/').pop()!;
    return confirmByToken(deps(), token);
  };
  const setCapacity = (companyId: number, capacity: number) =>
    platform.db('damage_flow_types').where({ company_id: companyId, is_default: true }).update({ daily_capacity: capacity });

  it('a job without a damage flow books from classic repair; the link gives the job its appointment through its workflow', async () => {
    const { companyId, location } = await createLocation(platform.db, { repair_weekdays: everyDay, booking_horizon_days: 5 });
    const flow = await platform.db('damage_flow_types').where({ company_id: companyId, is_default: true }).first();
    expect(flow.name).toBe('Classic repair');
    const job = await createJob(platform.db, location);

    const options = await repairOptions(deps(), await portalJob(job), 'en');
    expect(options.flow.id).toBe(flow.id);
    expect(options.days.length).toBeGreaterThanOrEqual(4);
    expect(options.days.every((day) => day.free === flow.daily_capacity)).toBe(true);
    const day = options.days[1]!.start;

    const request = await requestRepair(deps(), await portalJob(job), day, 'en');
    expect(request).toMatchObject({ status: 'held', email: await emailOf(job) });
    const mail = await waitForMail(await emailOf(job));
    expect(mail.text).toContain(`(job ${job.job_number})`);
    // The held day already counts.
    const other = await createJob(platform.db, location);
    expect((await repairOptions(deps(), await portalJob(other), 'en')).days.find((d) => d.start === day)?.free).toBe(flow.daily_capacity - 1);

    const confirmed = await confirmFromMail(job);
    expect(confirmed).toMatchObject({ status: 'confirmed', jobNumber: job.job_number });
    const row = await platform.db('jobs').where({ id: job.id }).first();
    expect(row.step).toBe('appointment');
    const visit = await platform.db('appointments').where({ job_id: job.id, kind: 'repair' }).first();
    expect(visit.starts_at.toISOString()).toBe(day);
    const status = await platform.temporal.workflow.getHandle(jobWorkflowId(job.job_number)).query(jobStatusQuery);
    expect(status).toMatchObject({ step: 'appointment', dates: { appointment: day } });
    expect(await platform.db('bookings').where({ job_id: job.id, kind: 'repair' }).first()).toMatchObject({ status: 'confirmed' });
    // A second click shows the same confirmation.
    expect(await confirmFromMail(job)).toMatchObject({ status: 'confirmed', jobNumber: job.job_number });
  });

  it('never exceeds the daily capacity of the flow type under parallel confirmations', async () => {
    const { companyId, location } = await createLocation(platform.db, { repair_weekdays: everyDay, booking_horizon_days: 5 });
    await setCapacity(companyId, 3);
    const jobs = await Promise.all(Array.from({ length: 12 }, () => createJob(platform.db, location)));
    const day = (await repairOptions(deps(), await portalJob(jobs[0]!), 'en')).days[2]!.start;

    const results = await Promise.all(jobs.map(async (job) => requestRepair(deps(), await portalJob(job), day, 'en')));
    const held = jobs.filter((_, index) => results[index]!.status === 'held');
    expect(held).toHaveLength(3);
    expect(results.filter((r) => r.status === 'taken')).toHaveLength(9);

    const confirmations = await Promise.all(held.map((job) => confirmFromMail(job)));
    expect(confirmations.every((c) => c.status === 'confirmed')).toBe(true);
    const booked = await platform.db('appointments').where({ location_id: location.id, kind: 'repair', status: 'planned', starts_at: new Date(day) }).count({ n: '*' }).first();
    expect(Number(booked?.n)).toBe(3);
    // The full day is no longer offered, and a late request for it is refused.
    const late = jobs.find((job) => !held.includes(job))!;
    expect((await repairOptions(deps(), await portalJob(late), 'en')).days.map((d) => d.start)).not.toContain(day);
    expect(await requestRepair(deps(), await portalJob(late), day, 'en')).toEqual({ status: 'taken' });
  });

  it('counts each flow type on its own: a full classic-repair day stays open for another flow', async () => {
    const { companyId, location } = await createLocation(platform.db, { repair_weekdays: everyDay, booking_horizon_days: 5 });
    await setCapacity(companyId, 1);
    const [glass] = await platform.db('damage_flow_types').insert({ company_id: companyId, name: 'Glass', daily_capacity: 2 }).returning('id');
    const classicJob = await createJob(platform.db, location);
    const noFlowJob = await createJob(platform.db, location);
    const glassJob = await createJob(platform.db, location);
    await platform.db('jobs').where({ id: glassJob.id }).update({ damage_flow_type_id: glass.id });
    const day = (await repairOptions(deps(), await portalJob(classicJob), 'en')).days[0]!.start;

    expect(await requestRepair(deps(), await portalJob(classicJob), day, 'en')).toMatchObject({ status: 'held' });
    expect(await requestRepair(deps(), await portalJob(noFlowJob), day, 'en')).toEqual({ status: 'taken' });
    const glassOptions = await repairOptions(deps(), await portalJob(glassJob), 'en');
    expect(glassOptions.flow.name).toBe('Glass');
    expect(glassOptions.days.find((d) => d.start === day)?.free).toBe(2);
    expect(await requestRepair(deps(), await portalJob(glassJob), day, 'en')).toMatchObject({ status: 'held' });
  });

  it('a job whose vehicle came in before the customer clicked is not given the appointment, and the day is released', async () => {
    const { companyId, location } = await createLocation(platform.db, { repair_weekdays: everyDay, booking_horizon_days: 5 });
    await setCapacity(companyId, 1);
    const job = await createJob(platform.db, location);
    const day = (await repairOptions(deps(), await portalJob(job), 'en')).days[0]!.start;
    expect(await requestRepair(deps(), await portalJob(job), day, 'en')).toMatchObject({ status: 'held' });

    const lifecycle = { db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    await advanceJob(lifecycle, job, { type: 'appointment', at: new Date().toISOString() });
    await advanceJob(lifecycle, job, { type: 'vehicle_in', at: new Date().toISOString() });

    expect((await confirmFromMail(job)).status).toBe('refused');
    expect(await platform.db('bookings').where({ job_id: job.id, kind: 'repair' }).first()).toMatchObject({ status: 'expired' });
    const other = await createJob(platform.db, location);
    expect((await repairOptions(deps(), await portalJob(other), 'en')).days.map((d) => d.start)).toContain(day);
  });
});
