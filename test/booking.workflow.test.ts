import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBooking } from '../db/bookings';
import { confirmByToken } from '../web/booking/service';
import { bookingWorkflowId, stateQuery } from '../workflows/booking.contract';
import { book, bookingDeps, firstSlot, wizardFor } from './support/booking';
import { createLocation } from './support/fixtures';
import { confirmationLink, mailsTo, waitForMail } from './support/mail';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

const tokenOf = (link: string) => new URL(link).pathname.split('/').pop()!;

describe('D1 booking workflow (P2, P3) against real Temporal, PostgreSQL and SMTP', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ BOOKING_LINK_TTL: '15m' });
  });
  afterAll(() => platform?.close());

  it('holds the slot, mails the link and creates one job when confirmed in time', async () => {
    const { location } = await createLocation(platform.db, { slot_capacity: 2 });
    const wizard = wizardFor(location, await firstSlot(platform, location));
    const { bookingId, hold } = await book(platform, location, wizard);
    expect(hold.held).toBe(true);
    expect((await findBooking(platform.db, bookingId))?.status).toBe('held');
    // No job exists before the customer clicks the link (P3).
    expect(await platform.db('jobs').count({ n: '*' }).first()).toEqual({ n: 0 });

    const mail = await waitForMail(wizard.contact!.email);
    expect(mail.subject).toContain(location.name);
    const result = await confirmByToken(bookingDeps(platform), tokenOf(confirmationLink(mail)));
    expect(result.status).toBe('confirmed');
    if (result.status !== 'confirmed') return;

    const job = await platform.db('jobs').where({ job_number: result.jobNumber }).first();
    expect(job).toMatchObject({ location_id: location.id, source: 'portal' });
    // The estimate slot is the job's first appointment (one appointment model).
    const visit = await platform.db('appointments').where({ job_id: job.id }).first();
    expect(visit).toMatchObject({ kind: 'estimate', status: 'planned', location_id: location.id, customer_id: job.customer_id, vehicle_id: job.vehicle_id });
    expect(visit.starts_at.toISOString()).toBe(wizard.slotStart);
    const customer = await platform.db('customers').where({ id: job.customer_id }).first();
    expect(customer).toMatchObject({ email: wizard.contact!.email, first_name: 'Jan', last_name: 'Peeters' });
    expect(customer.gdpr_consent_at).toBeInstanceOf(Date);
    const vehicle = await platform.db('vehicles').where({ id: job.vehicle_id }).first();
    expect(vehicle).toMatchObject({ plate: wizard.vehicle!.plate, make: 'Volkswagen', model: 'Golf' });
    expect(await findBooking(platform.db, bookingId)).toMatchObject({ status: 'confirmed', job_id: job.id });

    const handle = platform.temporal.workflow.getHandle(bookingWorkflowId(bookingId));
    expect(await handle.result()).toEqual({ status: 'confirmed', jobNumber: result.jobNumber });
  });

  it("writes the plain-text part of the link e-mail as text (D'Hondt, not D&#39;Hondt) and escapes only the HTML part", async () => {
    const { location } = await createLocation(platform.db, { name: 'Garage Smith & Zonen' });
    const base = wizardFor(location, await firstSlot(platform, location));
    const wizard = { ...base, contact: { ...base.contact!, firstName: "Ann-Sofie D'Hondt" } };
    await book(platform, location, wizard);
    const mail = await waitForMail(wizard.contact.email);
    expect(mail.text).toContain("Ann-Sofie D'Hondt");
    expect(mail.text).toContain('Garage Smith & Zonen');
    expect(mail.text).not.toMatch(/&#39;|&amp;|&lt;|&gt;|&quot;/);
    expect(mail.html).toContain('D&#39;Hondt');
    expect(mail.html).toContain('Smith &amp; Zonen');
  });

  it('confirming twice, even at once, yields one job and the same job number', async () => {
    const { location } = await createLocation(platform.db);
    const wizard = wizardFor(location, await firstSlot(platform, location));
    const { bookingId } = await book(platform, location, wizard);
    const token = tokenOf(confirmationLink(await waitForMail(wizard.contact!.email)));

    const [a, b] = await Promise.all([confirmByToken(bookingDeps(platform), token), confirmByToken(bookingDeps(platform), token)]);
    const c = await confirmByToken(bookingDeps(platform), token); // a used link, after the workflow ended
    const numbers = [a, b, c].map((r) => (r.status === 'confirmed' ? r.jobNumber : r.status));
    expect(new Set(numbers).size).toBe(1);
    expect(numbers[0]).toMatch(/^\d+$/);
    const booking = await findBooking(platform.db, bookingId);
    expect(await platform.db('jobs').where({ id: booking!.job_id! }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await platform.db('jobs').where({ location_id: location.id }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  it('still confirms a booking whose worker was stopped and restarted while it waited', async () => {
    const { location } = await createLocation(platform.db);
    const wizard = wizardFor(location, await firstSlot(platform, location));
    const { bookingId } = await book(platform, location, wizard);
    const token = tokenOf(confirmationLink(await waitForMail(wizard.contact!.email)));

    await platform.stopWorker();
    // While no worker runs, the booking waits on the server.
    const description = await platform.temporal.workflow.getHandle(bookingWorkflowId(bookingId)).describe();
    expect(description.status.name).toBe('RUNNING');
    await platform.startWorker();

    const handle = platform.temporal.workflow.getHandle(bookingWorkflowId(bookingId));
    expect(await handle.query(stateQuery)).toBe('awaiting confirmation');
    const result = await confirmByToken(bookingDeps(platform), token);
    expect(result.status).toBe('confirmed');
    expect((await findBooking(platform.db, bookingId))?.status).toBe('confirmed');
  });

  it('a retried e-mail activity sends nothing twice; a retried create makes one job', async () => {
    const { location } = await createLocation(platform.db);
    const wizard = wizardFor(location, await firstSlot(platform, location));
    const { bookingId } = await book(platform, location, wizard);
    const mail = await waitForMail(wizard.contact!.email);

    // The link is an outbox message like every other: its row, delivered, with the text that was mailed.
    const key = `booking-${bookingId}:confirmation-link`;
    const row = await waitUntil('the link delivered', async () => {
      const found = await platform.db('sent_messages').where({ idempotency_key: key }).first();
      return found?.status === 'sent' ? found : undefined;
    });
    expect(row).toMatchObject({ kind: 'booking_confirmation_link', channel: 'email', booking_id: bookingId, recipient: wizard.contact!.email, error: null });
    expect(row.body).toContain(confirmationLink(mail));
    expect(row.provider_message_id).toBeTruthy();

    // Run the activities again, as Temporal would on a retry: the queue and delivery steps, and the one step of
    // workflows started before the outbox (they replay without the patch).
    expect(await platform.activities.queueBookingLinkMessage(bookingId)).toBe(key);
    await platform.activities.deliverMessage(key);
    await platform.activities.sendBookingConfirmationLink(bookingId);
    expect((await platform.db('sent_messages').where({ idempotency_key: key }).first()).body).toBe(row.body); // the token did not change
    const [first, second] = await Promise.all([
      platform.activities.createJobFromBooking(bookingId),
      platform.activities.createJobFromBooking(bookingId),
    ]);
    expect(second).toEqual(first);
    expect(await platform.db('jobs').where({ location_id: location.id }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await platform.db('sent_messages').where({ booking_id: bookingId }).count({ n: '*' }).first()).toEqual({ n: 1 });
    // One link mail (the confirmation with its manage link, B1, and the check-in link are other mails).
    expect((await mailsTo(wizard.contact!.email)).filter((mail) => /\/b\/[\w-]+/.test(mail.text))).toHaveLength(1);
    // The link mailed still confirms.
    expect((await confirmByToken(bookingDeps(platform), tokenOf(confirmationLink(mail)))).status).toBe('confirmed');
  });

  it('is found in Temporal visibility by its Plate search attribute', async () => {
    const { location } = await createLocation(platform.db);
    const wizard = wizardFor(location, await firstSlot(platform, location), {
      vehicle: { plate: `1-vis-${Date.now() % 1000}`, make: 'Opel', model: 'Corsa' },
    });
    const { bookingId } = await book(platform, location, wizard);
    const plate = wizard.vehicle!.plate.toUpperCase().replace(/[^A-Z0-9]/g, '');
    const found = await waitUntil('the booking in visibility', async () => {
      const ids: string[] = [];
      for await (const execution of platform.temporal.workflow.list({ query: `Plate = '${plate}'` })) ids.push(execution.workflowId);
      return ids.length > 0 ? ids : undefined;
    });
    expect(found).toEqual([bookingWorkflowId(bookingId)]);
    const byLocation: string[] = [];
    for await (const execution of platform.temporal.workflow.list({ query: `Location = '${location.slug}'` })) {
      byLocation.push(execution.workflowId);
    }
    expect(byLocation).toContain(bookingWorkflowId(bookingId));
  });
});

describe('D1 booking workflow when the link expires', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ BOOKING_LINK_TTL: '3s' });
  });
  afterAll(() => platform?.close());

  it('releases the slot and the link shows the expired text', async () => {
    const { location } = await createLocation(platform.db, { slot_capacity: 1 });
    const slot = await firstSlot(platform, location);
    const wizard = wizardFor(location, slot);
    const { bookingId, hold } = await book(platform, location, wizard);
    expect(hold.held).toBe(true);
    const token = tokenOf(confirmationLink(await waitForMail(wizard.contact!.email)));

    // While held, the slot of capacity 1 is not free for anybody else.
    const other = await book(platform, location, wizardFor(location, slot));
    expect(other.hold).toEqual({ held: false, reason: 'slot_taken' });

    const outcome = await platform.temporal.workflow.getHandle(bookingWorkflowId(bookingId)).result();
    expect(outcome).toEqual({ status: 'expired' });
    expect((await findBooking(platform.db, bookingId))?.status).toBe('expired');
    expect(await confirmByToken(bookingDeps(platform), token)).toEqual({ status: 'expired' });
    expect(await platform.db('jobs').where({ location_id: location.id }).count({ n: '*' }).first()).toEqual({ n: 0 });

    // Released: the same slot can be held again.
    const again = await book(platform, location, wizardFor(location, slot));
    expect(again.hold.held).toBe(true);
  });
});
