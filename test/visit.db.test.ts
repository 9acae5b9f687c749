import { DateTime } from 'luxon';
import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPortalJob } from '../db/jobs';
import { advanceJob } from '../clients/jobLifecycle';
import { createJob, createLocation } from './support/fixtures';
import { httpClient, visibleText } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';
import { manageLink, visitWithLink } from './support/visit';
import { waitForMail } from './support/mail';
import { waitUntil } from './support/wait';

const zone = 'Europe/Brussels';
/** A local wall-clock time `days` from today in Brussels. */
const inDays = (days: number, hour = 9, minute = 0) =>
  DateTime.now().setZone(zone).plus({ days }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();

describe('B1 the customer\'s own link: see, download, move, cancel, until the cut-off (PostgreSQL, HTTP, Temporal)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const row = (id: number) => platform.db('appointments').where({ id }).first('starts_at', 'ends_at', 'status', 'sequence');
  const events = (id: number) => platform.db('customer_events').where({ appointment_id: id }).orderBy('id');

  it('opening the link and every page behind it with GET changes nothing; the .ics is the visit in the location\'s zone', async () => {
    const { location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 7 });
    const v = await visitWithLink(platform.db, location, inDays(3));
    const before = await row(v.appointment.id);
    const customer = httpClient(platform.baseUrl);

    const page = await customer.page(`/v/${v.token}?lang=en`);
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Service appointment');
    expect(text).toContain('Test Body Shop');
    expect(text).toContain('Teststraat 1, 9000 Gent');
    expect(text).toContain(v.plate);
    expect(page.html).toContain(`href="/v/${v.token}/move"`);
    expect(page.html).toContain(`href="/v/${v.token}/cancel"`);

    const move = await customer.page(`/v/${v.token}/move`);
    expect(move.status).toBe(200);
    const firstSlot = /name="start" value="([^"]+)"/.exec(move.html)![1]!;
    expect((await customer.page(`/v/${v.token}/move/confirm?start=${encodeURIComponent(firstSlot)}`)).status).toBe(200);
    expect((await customer.page(`/v/${v.token}/cancel`)).status).toBe(200);

    const ics = await customer.request(`/v/${v.token}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
    const body = await ics.text();
    const event = Object.values(ical.sync.parseICS(body)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
    expect(event.uid).toBe(`appointment-${v.appointment.id}@127.0.0.1`);
    expect(event.start.toISOString()).toBe(v.appointment.starts_at.toISOString());
    expect(event.start.tz).toBe(zone);
    expect(event.description).toContain(`/v/${v.token}`);

    expect(await row(v.appointment.id)).toEqual(before);
    expect(await events(v.appointment.id)).toEqual([]);
    // An unknown link is the "not valid" page.
    expect((await customer.page(`/v/${'x'.repeat(43)}`)).status).toBe(404);
  });

  it('moves a service appointment to another repair day at its own time of day; staff\'s overview row and the customer\'s timeline show it', async () => {
    const { location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 7 });
    const v = await visitWithLink(platform.db, location, inDays(3, 10, 30), { minutes: 90 });
    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/v/${v.token}/move/confirm?start=${encodeURIComponent(inDays(5, 10, 30).toISOString())}`);
    const answer = await customer.post(`/v/${v.token}/move`, { start: inDays(5, 10, 30).toISOString() });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`/v/${v.token}?done=moved`);
    const moved = await row(v.appointment.id);
    expect(moved).toMatchObject({ status: 'planned', sequence: 1 });
    expect(moved.starts_at.toISOString()).toBe(inDays(5, 10, 30).toISOString());
    expect(moved.ends_at.getTime() - moved.starts_at.getTime()).toBe(90 * 60_000);
    const [event] = await events(v.appointment.id);
    expect(event).toMatchObject({ customer_id: v.customer.id, kind: 'appointment_moved', details: { visit: 'service' } });
    // The move is confirmed by e-mail with the new .ics: the same calendar entry (UID), one sequence later.
    const confirmation = await waitForMail(v.customer.email);
    expect(confirmation.text).toContain(DateTime.fromJSDate(inDays(5, 10, 30), { zone: 'Europe/Brussels' }).setLocale('en').toLocaleString(DateTime.DATE_HUGE));
    const calendar = await waitUntil('the queued .ics', async () => (await platform.db('sent_messages').where({ appointment_id: v.appointment.id }).whereNotNull('calendar').first('calendar'))?.calendar as string | undefined);
    const event2 = Object.values(ical.sync.parseICS(calendar)).find((entry) => entry?.type === 'VEVENT') as unknown as { uid: string; sequence: string; start: Date };
    expect(event2.uid).toMatch(new RegExp(`^appointment-${v.appointment.id}@`));
    expect(Number(event2.sequence)).toBe(1);
    expect(event2.start.toISOString()).toBe(inDays(5, 10, 30).toISOString());
    // Its check-in (D2) follows the new time: the workflow runs for this appointment.
    await waitUntil('the check-in workflow', async () => {
      const d = await platform.temporal.workflow.getHandle(`checkin-${v.appointment.id}`).describe().catch(() => undefined);
      return d?.status.name === 'RUNNING';
    });
    // A time that is not offered (not a repair day at the appointment's time) is refused.
    await customer.formPage(`/v/${v.token}/move/confirm?start=${encodeURIComponent(inDays(6, 10, 30).toISOString())}`);
    const odd = await customer.post(`/v/${v.token}/move`, { start: inDays(4, 13, 17).toISOString() });
    expect(odd.status).toBe(409);
    expect((await row(v.appointment.id)).starts_at.toISOString()).toBe(inDays(5, 10, 30).toISOString());
  });

  it('a full service day is not offered and a move into it is refused (service_daily_capacity)', async () => {
    const { location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 7, service_daily_capacity: 1 });
    await visitWithLink(platform.db, location, inDays(4, 8));
    const v = await visitWithLink(platform.db, location, inDays(3, 11));
    const customer = httpClient(platform.baseUrl);
    const move = await customer.page(`/v/${v.token}/move`);
    expect(move.html).not.toContain(`value="${inDays(4, 11).toISOString()}"`);
    expect(move.html).toContain(`value="${inDays(5, 11).toISOString()}"`);
    await customer.formPage(`/v/${v.token}/move/confirm?start=${encodeURIComponent(inDays(5, 11).toISOString())}`);
    expect((await customer.post(`/v/${v.token}/move`, { start: inDays(4, 11).toISOString() })).status).toBe(409);
    expect((await row(v.appointment.id)).sequence).toBe(0);
  });

  it('past the cut-off the page is read-only with "call us" and the phone, and the posts are refused with that text', async () => {
    const { location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 7, self_service_cutoff_hours: 48 });
    const v = await visitWithLink(platform.db, location, new Date(Date.now() + 30 * 3_600_000));
    const before = await row(v.appointment.id);
    const customer = httpClient(platform.baseUrl);
    const page = await customer.page(`/v/${v.token}?lang=en`);
    const text = visibleText(page.html);
    expect(text).toContain('This appointment can no longer be changed online. Please call Test Body Shop');
    expect(page.html).toContain('href="tel:+3290000000"');
    expect(page.html).not.toContain(`href="/v/${v.token}/move"`);
    expect((await customer.page(`/v/${v.token}/move`)).status).toBe(303);

    // A form kept open from before the cut-off: the CSRF token of this session, the post refused all the same.
    await customer.formPage('/staff/login?lang=en');
    for (const action of ['move', 'cancel']) {
      const answer = await customer.post(`/v/${v.token}/${action}`, { start: inDays(5).toISOString() });
      expect(answer.status).toBe(409);
      expect(visibleText(await answer.text())).toContain('This appointment can no longer be changed online. Please call Test Body Shop');
    }
    expect(await row(v.appointment.id)).toEqual(before);
    expect(await events(v.appointment.id)).toEqual([]);
  });

  it('a post without the CSRF token is refused and changes nothing', async () => {
    const { location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 7 });
    const v = await visitWithLink(platform.db, location, inDays(3));
    const answer = await fetch(`${platform.baseUrl}/v/${v.token}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(answer.status).toBe(403);
    expect((await row(v.appointment.id)).status).toBe('planned');
  });

  it('cancels through the one cancel of every screen: the place is free at once and the timeline says so', async () => {
    const { location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 7, service_daily_capacity: 1 });
    const v = await visitWithLink(platform.db, location, inDays(3, 9));
    const other = await visitWithLink(platform.db, location, inDays(4, 9));
    const otherClient = httpClient(platform.baseUrl);
    expect((await otherClient.page(`/v/${other.token}/move`)).html).not.toContain(`value="${inDays(3, 9).toISOString()}"`);

    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/v/${v.token}/cancel`);
    const answer = await customer.post(`/v/${v.token}/cancel`);
    expect(answer.status).toBe(303);
    expect((await row(v.appointment.id)).status).toBe('cancelled');
    expect((await events(v.appointment.id)).map((e) => e.kind)).toEqual(['appointment_cancelled']);
    const after = await customer.page(`/v/${v.token}?done=cancelled&lang=en`);
    expect(visibleText(after.html)).toContain('This appointment is cancelled.');
    const ics = await (await customer.request(`/v/${v.token}/calendar.ics`)).text();
    expect(ics).toContain('METHOD:CANCEL');
    expect(ics).toContain('STATUS:CANCELLED');
    // The day it held is free for the other customer now.
    expect((await otherClient.page(`/v/${other.token}/move`)).html).toContain(`value="${inDays(3, 9).toISOString()}"`);
    // A second cancel (a stale tab) is refused and changes nothing.
    expect((await customer.post(`/v/${v.token}/cancel`)).status).toBe(409);
    expect(await events(v.appointment.id)).toHaveLength(1);
  });

  it('B3: N customers moving their estimate into the last free place at once: exactly one gets it', async () => {
    const { location } = await createLocation(platform.db, { slot_capacity: 2, booking_horizon_days: 7 });
    const target = inDays(5, 14);
    // One place of two is taken already.
    await visitWithLink(platform.db, location, target, { kind: 'estimate', minutes: 30 });
    const visits = await Promise.all(Array.from({ length: 6 }, (_, i) => visitWithLink(platform.db, location, inDays(3, 9, i * 30), { kind: 'estimate', minutes: 30 })));
    const clients = await Promise.all(
      visits.map(async (v) => {
        const client = httpClient(platform.baseUrl);
        await client.formPage(`/v/${v.token}/move/confirm?start=${encodeURIComponent(target.toISOString())}`);
        return client;
      }),
    );
    const answers = await Promise.all(clients.map((client, i) => client.post(`/v/${visits[i]!.token}/move`, { start: target.toISOString() })));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409, 409, 409, 409, 409]);
    // Each loser is told: "just taken" when it waited on the lock, or "not available" when it came in after the winner
    // had committed (the time is no longer offered at all); which one depends on timing, both are right.
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(visibleText(await refused.text())).toMatch(/Sorry, that time was just taken\. Please choose another one\.|That time is not available\. Please choose one of the free times\./);
    }
    const planned = await platform.db('appointments').where({ location_id: location.id, kind: 'estimate', status: 'planned', starts_at: target }).count<{ count: string }[]>('* as count');
    expect(Number(planned[0]!.count)).toBe(2);
  });

  it('B3: N jobs moving their repair appointment into the last place of a flow type\'s day at once: exactly one gets it, through its D4 workflow', async () => {
    const { companyId, location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 8, repair_dropoff_time: '08:00' });
    await platform.db('damage_flow_types').where({ company_id: companyId, is_default: true }).update({ daily_capacity: 1 });
    const deps = { db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    const target = inDays(7, 8);
    const jobs = await Promise.all(Array.from({ length: 4 }, () => createJob(platform.db, location)));
    const links: { jobId: number; appointmentId: number; token: string; startsAt: Date }[] = [];
    for (const [i, job] of jobs.entries()) {
      const startsAt = inDays(2 + i, 8);
      const result = await advanceJob(deps, (await findPortalJob(platform.db, job.id))!, { type: 'appointment', at: startsAt.toISOString() });
      expect(result.ok).toBe(true);
      const appointment = await platform.db('appointments').where({ job_id: job.id, kind: 'repair', status: 'planned' }).first('id');
      links.push({ jobId: job.id, appointmentId: appointment.id, token: await manageLink(platform.db, appointment.id), startsAt });
    }
    const clients = await Promise.all(
      links.map(async (l) => {
        const client = httpClient(platform.baseUrl);
        const page = await client.formPage(`/v/${l.token}/move/confirm?start=${encodeURIComponent(target.toISOString())}`);
        expect(page.status).toBe(200);
        return client;
      }),
    );
    const answers = await Promise.all(clients.map((client, i) => client.post(`/v/${links[i]!.token}/move`, { start: target.toISOString() })));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409, 409, 409]);
    const winner = links[answers.findIndex((a) => a.status === 303)]!;
    const onTarget = await platform.db('appointments').where({ location_id: location.id, kind: 'repair', status: 'planned', starts_at: target }).select('id', 'job_id', 'sequence');
    expect(onTarget).toEqual([{ id: winner.appointmentId, job_id: winner.jobId, sequence: 1 }]);
    // The job's D4 workflow holds the new date (its read model found the row already there).
    const job = await platform.db('jobs').where({ id: winner.jobId }).first('step');
    expect(job.step).toBe('appointment');
    const losers = links.filter((l) => l !== winner);
    for (const l of losers) expect((await row(l.appointmentId)).starts_at.toISOString()).toBe(l.startsAt.toISOString());
  });

  it('a job\'s repair appointment whose vehicle came in meanwhile is put back, and the customer is told', async () => {
    const { location } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 8 });
    const deps = { db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    const job = (await findPortalJob(platform.db, (await createJob(platform.db, location)).id))!;
    const startsAt = inDays(3, 8);
    expect((await advanceJob(deps, job, { type: 'appointment', at: startsAt.toISOString() })).ok).toBe(true);
    const appointment = await platform.db('appointments').where({ job_id: job.id, kind: 'repair', status: 'planned' }).first('id');
    const token = await manageLink(platform.db, appointment.id);
    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/v/${token}/move/confirm?start=${encodeURIComponent(inDays(5, 8).toISOString())}`);
    // The vehicle arrives early, after the customer opened the page: D4 refuses a new appointment date from now on.
    expect((await advanceJob(deps, job, { type: 'vehicle_in', at: new Date().toISOString() })).ok).toBe(true);
    const answer = await customer.post(`/v/${token}/move`, { start: inDays(5, 8).toISOString() });
    expect(answer.status).toBe(409);
    expect(visibleText(await answer.text())).toContain('Your vehicle is already with us');
    expect((await row(appointment.id)).starts_at.toISOString()).toBe(startsAt.toISOString());
    expect(await events(appointment.id)).toEqual([]);
  });
});
