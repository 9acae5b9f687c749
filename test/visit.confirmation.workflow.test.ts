import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findPortalJob } from '../db/jobs';
import { confirmByToken } from '../web/booking/service';
import { repairOptions, requestRepair } from '../web/repair/service';
import { book, bookingDeps, firstSlot, wizardFor } from './support/booking';
import { createJob, createLocation } from './support/fixtures';
import { httpClient, visibleText } from './support/httpClient';
import { confirmationLink, mailsTo, waitForMail, type CaughtMail } from './support/mail';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

/** The manage link (B1) in a confirmation's text. */
const manageLink = (mail: CaughtMail) => {
  const match = mail.text.match(/https?:\/\/\S+\/v\/[\w-]+/);
  if (!match) throw new Error(`no manage link in mail: ${mail.text}`);
  return match[0];
};

describe('B1 P3/P4: a confirmed booking gets its confirmation with the manage link and the .ics (outbox, message workflow, SMTP)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const confirmation = (email: string) =>
    waitUntil('the appointment confirmation', async () => (await mailsTo(email)).find((mail) => /is confirmed$/.test(mail.subject)));
  const outboxRow = (appointmentId: number) =>
    waitUntil('the confirmation sent', async () =>
      (await platform.db('sent_messages').where({ appointment_id: appointmentId, kind: 'appointment_confirmation', status: 'sent' }).first()) ?? false,
    );

  async function expectInvite(mail: CaughtMail, appointmentId: number, startsAt: Date) {
    // The e-mail carries the .ics as invite.ics (text/calendar, METHOD:PUBLISH).
    const source = await (await fetch(`${inject('mailApiUrl')}/email/${mail.id}/source`)).text();
    expect(source).toMatch(/text\/calendar; charset=utf-8; method=PUBLISH/i);
    expect(source).toContain('invite.ics');
    const row = await outboxRow(appointmentId);
    const event = Object.values(ical.sync.parseICS(row.calendar)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
    expect(event.uid).toBe(`appointment-${appointmentId}@127.0.0.1`);
    expect(event.start.toISOString()).toBe(startsAt.toISOString());
    expect(event.description).toContain(manageLink(mail));
  }

  it('P3: the estimate appointment\'s confirmation after the link is clicked, once, with a working manage link', async () => {
    const { location } = await createLocation(platform.db, { name: 'Garage Bevestigd' });
    const wizard = wizardFor(location, await firstSlot(platform, location));
    const { bookingId } = await book(platform, location, wizard);
    const token = new URL(confirmationLink(await waitForMail(wizard.contact!.email))).pathname.split('/').pop()!;
    expect((await confirmByToken(bookingDeps(platform), token)).status).toBe('confirmed');
    const appointment = await platform.db('appointments').where({ booking_id: bookingId }).first('id', 'starts_at');

    const mail = await confirmation(wizard.contact!.email);
    expect(mail.subject).toMatch(/^Your appointment at Garage Bevestigd on .+ is confirmed$/);
    await expectInvite(mail, appointment.id, appointment.starts_at);
    const page = await httpClient(platform.baseUrl).page(new URL(manageLink(mail)).pathname + '?lang=en');
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain('Damage estimate');

    // A retried activity sends no second confirmation.
    await platform.activities.createJobFromBooking(bookingId);
    expect(await platform.db('sent_messages').where({ appointment_id: appointment.id, kind: 'appointment_confirmation' })).toHaveLength(1);
  });

  it('P4: the repair appointment\'s confirmation after the link is clicked', async () => {
    const { location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 5 });
    const job = (await findPortalJob(platform.db, (await createJob(platform.db, location)).id))!;
    const email = (await platform.db('customers').join('jobs', 'jobs.customer_id', 'customers.id').where('jobs.id', job.id).first('customers.email')).email as string;
    const day = (await repairOptions(bookingDeps(platform), job, 'en')).days[1]!.start;
    await requestRepair(bookingDeps(platform), job, day, 'en');
    const token = new URL(confirmationLink(await waitForMail(email))).pathname.split('/').pop()!;
    expect((await confirmByToken(bookingDeps(platform), token)).status).toBe('confirmed');
    const appointment = await platform.db('appointments').where({ job_id: job.id, kind: 'repair', status: 'planned' }).first('id', 'starts_at');
    expect(appointment.starts_at.toISOString()).toBe(new Date(day).toISOString());

    const mail = await confirmation(email);
    await expectInvite(mail, appointment.id, appointment.starts_at);
    expect(mail.text).toContain(job.plate);
  });
});
