import { describe, expect, it } from 'vitest';
import { findAppointment } from '../db/appointments';
import { findPortalJob } from '../db/jobs';
import { confirmByToken } from '../web/booking/service';
import { cancelVisit, moveAppointment } from '../web/appointments/service';
import { advanceJob } from '../clients/jobLifecycle';
import { repairOptions, requestRepair } from '../web/repair/service';
import { checkinStateQuery, checkinWorkflowId } from '../workflows/checkIn.contract';
import { createJob, createLocation } from './support/fixtures';
import { confirmationLink, mailsTo, waitForMail } from './support/mail';
import { useTimeSkipping } from './support/timeSkipping';
import { waitUntil } from './support/wait';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const everyDay = [1, 2, 3, 4, 5, 6, 7];

/**
 * One appointment model (issue 11): a repair appointment booked on the portal
 * (P4) is an appointment like any other, so it gets its check-in link three
 * days before and its reminder one day before (C1, W1, D2), and moving it
 * moves them. Time-skipping server; real PostgreSQL and SMTP.
 */
describe('a portal repair appointment gets check-in link and reminder; a move moves them (time-skipping)', () => {
  const t = useTimeSkipping();

  const deps = () => ({ db: t.platform.db, temporal: t.env.client, taskQueue: t.taskQueue, linkTtlMs: t.platform.config.BOOKING_LINK_TTL });
  const now = () => t.env.currentTimeMs();
  const until = async (at: number) => t.env.sleep(Math.max(0, at - (await now())));
  const sent = (appointmentId: number) =>
    t.platform.db('sent_messages').where({ appointment_id: appointmentId }).whereIn('kind', ['checkin_link', 'checkin_reminder']).orderBy('id').select('kind', 'status');

  it('P4 booking → appointment row with its check-in workflow → link at T-3 days; moved by staff → the reminder at the new T-1 day', async () => {
    const { db } = t.platform;
    const { companyId, location } = await createLocation(db, { repair_weekdays: everyDay, booking_horizon_days: 20, time_zone: 'Europe/Brussels' });
    const job = await createJob(db, location);
    const portalJob = (await findPortalJob(db, job.id))!;
    const email = (await db('customers').join('jobs', 'jobs.customer_id', 'customers.id').where('jobs.id', job.id).first('customers.email')).email as string;

    const options = await repairOptions(deps(), portalJob, 'en');
    const day = options.days.find((d) => Date.parse(d.start) > Date.now() + 8 * DAY)!;
    expect(day, 'a repair day more than 8 days ahead').toBeDefined();
    expect(await requestRepair(deps(), portalJob, day.start, 'en')).toMatchObject({ status: 'held' });
    const token = new URL(confirmationLink(await waitForMail(email))).pathname.split('/').pop()!;
    expect(await confirmByToken(deps(), token)).toMatchObject({ status: 'confirmed', jobNumber: job.job_number });

    // The visit is an appointment row linked to its job, with the customer's contact data.
    const row = await db('appointments').where({ job_id: job.id }).first();
    expect(row).toMatchObject({ kind: 'repair', status: 'planned', email, location_id: location.id });
    expect(row.starts_at.toISOString()).toBe(day.start);
    const startsAt = row.starts_at.getTime();

    // Its check-in workflow runs and plans the link three days before.
    const handle = t.env.client.workflow.getHandle(checkinWorkflowId(row.id));
    await waitUntil('the check-in plan', async () => (await handle.query(checkinStateQuery)).next ?? undefined);
    expect((await handle.query(checkinStateQuery)).next).toEqual({ kind: 'link', at: new Date(startsAt - 3 * DAY).toISOString() });

    await until(startsAt - 3 * DAY + HOUR);
    await waitUntil('the check-in link', async () => ((await sent(row.id)).length === 1 ? true : undefined));
    // (The booking's confirmation with the customer's own link, B1, is another mail.)
    await waitUntil('the check-in link mail', async () => (await mailsTo(email)).find((mail) => /\/c\/[\w-]+\?lang=en/.test(mail.text)));

    // Staff move it three days later (any screen: the one move service); the job's D4 workflow holds the date.
    const appointment = (await findAppointment(db, companyId, row.id))!;
    const later = startsAt + 3 * DAY;
    const noLeads = { appointmentCreated: async () => {}, appointmentDeleted: async () => {} };
    expect(await moveAppointment({ ...deps(), leads: noLeads }, appointment, new Date(later), new Date(later + HOUR))).toEqual({ ok: true });
    expect((await db('appointments').where({ id: row.id }).first()).starts_at.getTime()).toBe(later);
    expect((await t.env.client.workflow.getHandle(`job-${job.job_number}`).query('status')) as { dates: { appointment: string } }).toMatchObject({
      dates: { appointment: new Date(later).toISOString() },
    });
    // The moments still to come move: a fresh link at the new T-3 days (D2 sends one after a move), then the reminder.
    await waitUntil('the moved plan', async () => {
      const next = (await handle.query(checkinStateQuery)).next;
      return next?.kind === 'link' && next.at === new Date(later - 3 * DAY).toISOString() ? next : undefined;
    });

    // Nothing at the old T-1 day.
    await until(startsAt - DAY + HOUR);
    expect((await sent(row.id)).map((m) => m.kind)).toEqual(['checkin_link']);
    await until(later - 3 * DAY + HOUR);
    await waitUntil('the new link', async () => ((await sent(row.id)).length === 2 ? true : undefined));
    await until(later - DAY + HOUR);
    await waitUntil('the reminder', async () => ((await sent(row.id)).length === 3 ? true : undefined));
    expect((await sent(row.id)).map((m) => m.kind)).toEqual(['checkin_link', 'checkin_link', 'checkin_reminder']);
    expect((await handle.query(checkinStateQuery)).sent.map((m) => m.kind)).toEqual(['link', 'link', 'reminder']);
    expect((await mailsTo(email)).length).toBe(5); // the booking link, its confirmation (B1), two check-in links, the reminder
  });

  it('a staff job\'s appointment (D4) starts its check-in; cancelling it from the appointment screen withdraws it through D4 and ends the check-in', async () => {
    const { db } = t.platform;
    const { companyId, location } = await createLocation(db, { time_zone: 'Europe/Brussels' });
    const job = await createJob(db, location);
    const at = (await now()) + 10 * DAY;
    expect(await advanceJob(deps(), (await findPortalJob(db, job.id))!, { type: 'appointment', at: new Date(at).toISOString() })).toMatchObject({ ok: true });
    const row = await db('appointments').where({ job_id: job.id }).first();
    expect(row).toMatchObject({ kind: 'repair', status: 'planned' });
    const handle = t.env.client.workflow.getHandle(checkinWorkflowId(row.id));
    await waitUntil('the check-in plan', async () => (await handle.query(checkinStateQuery)).next ?? undefined);

    const appointment = (await findAppointment(db, companyId, row.id))!;
    const noLeads = { appointmentCreated: async () => {}, appointmentDeleted: async () => {} };
    expect(await cancelVisit({ ...deps(), leads: noLeads }, appointment, null)).toEqual({ ok: true });
    expect((await db('appointments').where({ id: row.id }).first()).status).toBe('cancelled');
    expect(await db('jobs').where({ id: job.id }).first('step')).toEqual({ step: 'new' });
    await waitUntil('the check-in to end', async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined));
    expect(await sent(row.id)).toEqual([]);
    // A second cancel finds nothing to cancel; the job can get a new appointment, a new row.
    expect(await cancelVisit({ ...deps(), leads: noLeads }, { ...appointment, status: 'cancelled' }, null)).toEqual({ ok: false, reason: 'gone' });
    expect(await advanceJob(deps(), (await findPortalJob(db, job.id))!, { type: 'appointment', at: new Date(at + DAY).toISOString() })).toMatchObject({ ok: true });
    expect(await db('appointments').where({ job_id: job.id }).orderBy('id').pluck('status')).toEqual(['cancelled', 'planned']);
  });
});
