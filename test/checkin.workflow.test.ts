import { randomUUID } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../lib/tokens';
import { submitCheckin } from '../db/checkin';
import { checkInWorkflowType, type CheckInWorkflow, checkinStateQuery, checkinWorkflowId, rescheduleSignal, cancelCheckinSignal } from '../workflows/checkIn.contract';
import { createLocation, uniqueEmail, uniquePlate } from './support/fixtures';
import { mailsTo, waitForMail } from './support/mail';
import { useTimeSkipping } from './support/timeSkipping';
import { waitUntil } from './support/wait';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * D2 on Temporal's time-skipping test server: days of timers pass in
 * seconds, while the activities write to the real PostgreSQL and send
 * through the real SMTP catcher.
 */
describe('D2 check-in workflow: timers at T-3 days and T-1 day (time-skipping server, real PostgreSQL and SMTP)', () => {
  const t = useTimeSkipping();

  /** A planned appointment of a customer who prefers `channel`, starting at `startsAt`. */
  async function appointment(startsAt: Date, options: { preferred?: 'email' | 'sms'; whatsapp?: boolean; timeZone?: string; queryPlan?: boolean } = {}) {
    const { db } = t.platform;
    const { companyId, location } = await createLocation(db, { time_zone: options.timeZone ?? 'Europe/Brussels' });
    await db('companies').where({ id: companyId }).update({ sms_enabled: true, whatsapp_enabled: options.whatsapp ?? false });
    const email = uniqueEmail('checkin');
    const phone = `+32 470 ${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const [customer] = await db('customers')
      .insert({ company_id: companyId, first_name: 'Ann', last_name: 'Smet', email, phone, language: 'en', preferred_channel: options.preferred ?? 'email' })
      .returning('id');
    const [row] = await db('appointments')
      .insert({
        company_id: companyId, location_id: location.id, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + HOUR),
        customer_id: customer.id, first_name: 'Ann', last_name: 'Smet', email, phone, language: 'en', walk_in_plate: uniquePlate(),
      })
      .returning('id');
    const id: number = row.id;
    const handle = await t.env.client.workflow.start<CheckInWorkflow>(checkInWorkflowType, { workflowId: checkinWorkflowId(id), taskQueue: t.taskQueue, args: [{ appointmentId: id }] });
    // Time may only run once the workflow has read its plan and waits on a timer.
    if (options.queryPlan !== false) await waitUntil('the plan', async () => (await handle.query(checkinStateQuery)).next ?? undefined);
    return { id, email, phone, handle };
  }

  const now = async () => t.env.currentTimeMs();
  /** Lets workflow time run until `at` (milliseconds since the epoch). */
  const until = async (at: number) => t.env.sleep(Math.max(0, at - (await now())));
  /**
   * The result of a workflow once it has ended, read through a plain client: the test
   * environment's own client lets time run free while it waits for a result, which would
   * push every other workflow's timers years ahead.
   */
  const outcome = async (workflowId: string) => {
    const handle = new Client({ connection: t.env.connection, namespace: t.env.namespace ?? 'default' }).workflow.getHandle(workflowId);
    await waitUntil('the workflow to end', async () => (await handle.describe()).status.name !== 'RUNNING');
    return handle.result();
  };
  const messagesOf = (appointmentId: number) =>
    t.platform.db('sent_messages').where({ appointment_id: appointmentId }).orderBy('id').select('kind', 'channel', 'status', 'recipient');

  it('C1/W1: the link three days before by the preferred channel (e-mail), the reminder one day before by WhatsApp', async () => {
    const startsAt = new Date((await now()) + 5 * DAY);
    const a = await appointment(startsAt, { whatsapp: true });
    expect((await a.handle.query(checkinStateQuery)).next).toEqual({ kind: 'link', at: new Date(startsAt.getTime() - 3 * DAY).toISOString() });

    await until(startsAt.getTime() - 3 * DAY - HOUR);
    expect(await messagesOf(a.id)).toEqual([]);

    await until(startsAt.getTime() - 3 * DAY + HOUR);
    const mail = await waitForMail(a.email);
    const token = mail.text.match(/\/c\/([\w-]+)\?lang=en/)?.[1];
    expect(token, mail.text).toBeDefined();
    expect(await t.platform.db('checkin_links').where({ token_hash: hashToken(token!) }).first('appointment_id')).toEqual({ appointment_id: a.id });
    const state = await a.handle.query(checkinStateQuery);
    expect(state.sent.map((s) => s.kind)).toEqual(['link']);
    expect(Math.abs(Date.parse(state.sent[0]!.at) - (startsAt.getTime() - 3 * DAY))).toBeLessThan(60_000);
    expect(state.next).toEqual({ kind: 'reminder', at: new Date(startsAt.getTime() - DAY).toISOString() });

    await until(startsAt.getTime() - DAY + HOUR);
    expect(await messagesOf(a.id)).toEqual([
      { kind: 'checkin_link', channel: 'email', status: 'sent', recipient: a.email },
      { kind: 'checkin_reminder', channel: 'whatsapp', status: 'sent', recipient: a.phone },
    ]);
    // The reminder carries a link of its own; the first one stays valid.
    const whatsapp = await t.platform.db('dev_whatsapp_messages').where({ reference: `checkin-${a.id}:reminder:${startsAt.toISOString()}` }).first();
    const reminderToken = JSON.stringify(whatsapp.parameters).match(/\/c\/([\w-]+)/)?.[1];
    expect(reminderToken).toBeDefined();
    expect(await t.platform.db('checkin_links').where({ appointment_id: a.id }).pluck('token_hash')).toEqual(
      expect.arrayContaining([hashToken(token!), hashToken(reminderToken!)]),
    );
    await until(startsAt.getTime() + HOUR);
    expect(await outcome(a.handle.workflowId)).toBe('started');
    expect(await mailsTo(a.email)).toHaveLength(1);
  });

  it('a customer who prefers SMS gets the link by SMS, and without WhatsApp the reminder by SMS too', async () => {
    const startsAt = new Date((await now()) + 4 * DAY);
    const a = await appointment(startsAt, { preferred: 'sms' });
    await until(startsAt.getTime() - DAY + HOUR);
    expect(await messagesOf(a.id)).toEqual([
      { kind: 'checkin_link', channel: 'sms', status: 'sent', recipient: a.phone },
      { kind: 'checkin_reminder', channel: 'sms', status: 'sent', recipient: a.phone },
    ]);
    const sms = await t.platform.db('dev_sms_messages').where({ reference: `checkin-${a.id}:link:${startsAt.toISOString()}` }).first('body');
    expect(sms.body).toMatch(/\/c\/[\w-]+/);
  });

  it('booked later than the marks: the link goes at once; after the one-day mark it is the only message', async () => {
    const inTwoDays = new Date((await now()) + 2 * DAY);
    const late = await appointment(inTwoDays);
    await waitForMail(late.email); // without any time passing
    await until(inTwoDays.getTime() - DAY + HOUR);
    expect((await messagesOf(late.id)).map((m) => m.kind)).toEqual(['checkin_link', 'checkin_reminder']);

    const tonight = new Date((await now()) + 10 * HOUR);
    const veryLate = await appointment(tonight);
    await waitForMail(veryLate.email);
    await until(tonight.getTime() + HOUR);
    expect(await outcome(veryLate.handle.workflowId)).toBe('started');
    expect((await messagesOf(veryLate.id)).map((m) => m.kind)).toEqual(['checkin_link']);
  });

  it('a check-in booked after the link moment reaches its reminder timer in two workflow tasks: plan and queueing are local, only the delivery is an activity task (D2)', async () => {
    // No query: on the time-skipping server a query is answered by a workflow task of its own, in the history.
    const late = await appointment(new Date((await now()) + 2 * DAY), { queryPlan: false });
    await waitForMail(late.email);
    const untilTimer = async () => {
      const events = (await late.handle.fetchHistory()).events ?? [];
      const timer = events.findIndex((event) => event.timerStartedEventAttributes);
      return timer < 0 ? undefined : events.slice(0, timer + 1);
    };
    const events = await waitUntil('the reminder timer', untilTimer);
    expect(events.filter((event) => event.workflowTaskCompletedEventAttributes)).toHaveLength(2);
    expect(events.flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? [])).toEqual(['deliverMessage']);
    // The plan and the queueing of the link, recorded as local activity markers; no zero-length timer before them.
    expect(events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toHaveLength(2);
    expect(Number(events.at(-1)!.timerStartedEventAttributes!.startToFireTimeout!.seconds)).toBeGreaterThan(3600);
    expect((await messagesOf(late.id)).map((m) => m.kind)).toEqual(['checkin_link']);
  });

  it('a moved appointment moves both moments; a cancelled one sends nothing more', async () => {
    const startsAt = new Date((await now()) + 5 * DAY);
    const moved = await appointment(startsAt);
    await until(startsAt.getTime() - 4 * DAY);
    const later = new Date(startsAt.getTime() + 3 * DAY);
    await t.platform.db('appointments').where({ id: moved.id }).update({ starts_at: later, ends_at: new Date(later.getTime() + HOUR) });
    await moved.handle.signal(rescheduleSignal);
    await until(startsAt.getTime() - 3 * DAY + HOUR); // the old moment passes
    expect(await messagesOf(moved.id)).toEqual([]);
    expect((await moved.handle.query(checkinStateQuery)).next).toEqual({ kind: 'link', at: new Date(later.getTime() - 3 * DAY).toISOString() });
    await until(later.getTime() - 3 * DAY + HOUR);
    expect((await messagesOf(moved.id)).map((m) => m.kind)).toEqual(['checkin_link']);

    const cancelled = await appointment(new Date((await now()) + 5 * DAY));
    await t.platform.db('appointments').where({ id: cancelled.id }).update({ status: 'cancelled' });
    await cancelled.handle.signal(cancelCheckinSignal);
    expect(await outcome(cancelled.handle.workflowId)).toBe('cancelled');
    expect(await messagesOf(cancelled.id)).toEqual([]);
  });

  it('when the appointment begins, the files of remarks never sent are removed and those sent stay; so when it is cancelled', async () => {
    const folder = (id: number) => path.join(t.platform.config.UPLOAD_DIR, 'checkin', String(id));
    /** Two uploads in the appointment's folder; the customer sends a remark with the first. */
    const uploads = async (id: number) => {
      await mkdir(folder(id), { recursive: true });
      const [sent, unsent] = [`${randomUUID()}.jpg`, `${randomUUID()}.mp4`];
      await writeFile(path.join(folder(id), sent), 'photo');
      await writeFile(path.join(folder(id), unsent), 'video');
      const file = { kind: 'photo' as const, storedName: `checkin/${id}/${sent}`, originalName: 'dent.jpg', mimeType: 'image/jpeg', sizeBytes: 5 };
      expect(await submitCheckin(t.platform.db, id, { services: [], remarks: [{ subject: 'Dent', description: '', files: [file] }] })).toBe('completed');
      return [sent, unsent];
    };

    const startsAt = new Date((await now()) + 5 * DAY);
    const a = await appointment(startsAt);
    const [sent] = await uploads(a.id);
    await until(startsAt.getTime() - HOUR);
    expect(await readdir(folder(a.id))).toHaveLength(2); // still open: nothing removed
    await until(startsAt.getTime() + HOUR);
    expect(await outcome(a.handle.workflowId)).toBe('started');
    expect(await readdir(folder(a.id))).toEqual([sent]);

    const cancelled = await appointment(new Date((await now()) + 5 * DAY));
    const [sentBefore] = await uploads(cancelled.id);
    await t.platform.db('appointments').where({ id: cancelled.id }).update({ status: 'cancelled' });
    await cancelled.handle.signal(cancelCheckinSignal);
    expect(await outcome(cancelled.handle.workflowId)).toBe('cancelled');
    expect(await readdir(folder(cancelled.id))).toEqual([sentBefore]);
  });

  it('a daylight-saving change between the link and the appointment does not shift the link by an hour', async () => {
    // Tuesday 30 March 2027, 09:00 in Brussels (summer time from Sunday 28 March): 07:00Z.
    const startsAt = new Date('2027-03-30T07:00:00Z');
    const expectedLink = Date.parse('2027-03-27T08:00:00Z'); // Saturday 09:00 winter time, not 07:00Z
    const a = await appointment(startsAt);
    await until(expectedLink - 30 * 60_000);
    expect(await messagesOf(a.id)).toEqual([]);
    await until(expectedLink + 30 * 60_000);
    const state = await waitUntil('the link sent', async () => {
      const current = await a.handle.query(checkinStateQuery);
      return current.sent.length > 0 ? current : undefined;
    });
    expect(state.sent).toHaveLength(1);
    expect(Math.abs(Date.parse(state.sent[0]!.at) - expectedLink)).toBeLessThan(60_000);
    expect(state.next).toEqual({ kind: 'reminder', at: '2027-03-29T07:00:00.000Z' }); // Monday 09:00 summer time
    await a.handle.signal(cancelCheckinSignal);
  });
});
