import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  customerTimeline,
  parseTimelineCursor,
  timelineFilters,
  type TimelineCustomer,
  type TimelineEntry,
  type TimelineFilter,
} from '../db/customerTimeline';
import type { Location } from '../db/locations';
import { formatLocalDateTimeShort } from '../lib/time';
import { createLocation, createStaff, insertLead, uniqueEmail, uniquePlate } from './support/fixtures';
import { httpClient, visibleText } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

/** Every page of a timeline, `limit` entries at a time, following the cursor to the end. */
async function allPages(db: Knex, customer: TimelineCustomer, limit: number, filters?: TimelineFilter[]) {
  const pages: TimelineEntry[][] = [];
  let before: string | null | undefined;
  do {
    const page = await customerTimeline(db, customer, { limit, filters, before: before ? parseTimelineCursor(before) : undefined });
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    pages.push(page.entries);
    before = page.next;
    expect(pages.length, 'pages end').toBeLessThan(500);
  } while (before);
  return pages;
}

const filterOf: Record<TimelineEntry['type'], TimelineFilter> = {
  job: 'jobs',
  appointment: 'appointments',
  booking: 'appointments',
  lead: 'leads',
  message: 'messages',
  change: 'changes',
};

/** The entry ids of a page as the browser meets them, in document order. */
const entryIds = (html: string) => [...html.matchAll(/data-entry-id="([^"]+)"/g)].map((match) => match[1]!);

describe('B2: the customer timeline (PostgreSQL, HTTP)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  /** 1 October 2026, 08:00 UTC plus `minutes`: every fixed entry has its own minute. */
  const t = (minutes: number) => new Date(Date.UTC(2026, 9, 1, 8, 0) + minutes * 60_000);

  async function newCustomer(db: Knex, location: Pick<Location, 'company_id'>, fields: Record<string, unknown> = {}) {
    const [customer] = await db('customers')
      .insert({
        company_id: location.company_id, first_name: 'Sofie', last_name: 'Claes', email: uniqueEmail('sofie'), phone: '+32 470 12 34 56',
        customer_number: `K${randomUUID().slice(0, 6)}`, street: 'Kerkstraat 5', postal_code: '9000', city: 'Gent', language: 'nl', ...fields,
      })
      .returning(['id', 'company_id', 'customer_number', 'email']);
    return customer as TimelineCustomer;
  }

  /**
   * Sofie's history: an estimate booked online and confirmed (its job, its
   * estimate appointment), the job's repair appointment and every D4 date,
   * a rejected request (matched by her e-mail), a planned and then cancelled
   * one (through its appointment), messages of every status, a change she
   * made at check-in, and an online booking she never confirmed. Around her:
   * another customer of the same company and one of another company, whose
   * entries must never show.
   */
  async function sofie() {
    const db = platform.db;
    const { companyId, location } = await createLocation(db, { name: 'Garage Tijdlijn' });
    const admin = await createStaff(db, companyId, 'admin');
    const mechanic = await createStaff(db, companyId, 'mechanic');
    const adminId = (await db('staff_users').where({ email: admin.email }).first('id')).id as number;
    const customer = await newCustomer(db, location);
    const plate = uniquePlate();
    const [vehicle] = await db('vehicles')
      .insert({ company_id: companyId, customer_id: customer.id, plate, plate_normalized: plate.replace(/[^A-Z0-9]/g, ''), make: 'Skoda', model: 'Octavia', vin: 'TMBJJ7NE0J0123456' })
      .returning('id');
    const bookingColumns = { location_id: location.id, first_name: 'Sofie', last_name: 'Claes', gdpr_consent_at: t(0), plate, language: 'nl' };

    const estimateBooking = randomUUID();
    await db('bookings').insert({
      ...bookingColumns, id: estimateBooking, kind: 'estimate', email: customer.email, slot_start: t(1440), slot_end: t(1470), status: 'confirmed',
      created_at: t(0), confirmed_at: t(1),
    });
    const {
      rows: [{ next }],
    } = await db.raw(`select nextval('job_number_seq') as next`);
    const [job] = await db('jobs')
      .insert({
        company_id: companyId, location_id: location.id, job_number: String(next), customer_id: customer.id, vehicle_id: vehicle.id, source: 'portal',
        created_at: t(2), vehicle_in_at: t(9), ready_for_start_at: t(10), first_activity_at: t(11), finished_at: t(12), picked_up_at: t(13), step: 'picked_up',
      })
      .returning(['id', 'job_number']);
    await db('bookings').where({ id: estimateBooking }).update({ job_id: job.id });
    const appointment = (fields: Record<string, unknown>) =>
      db('appointments')
        .insert({
          company_id: companyId, location_id: location.id, customer_id: customer.id, vehicle_id: vehicle.id, first_name: 'Sofie', last_name: 'Claes',
          email: customer.email, ...fields,
        })
        .returning('id')
        .then(([row]) => row.id as number);
    const estimate = await appointment({ kind: 'estimate', job_id: job.id, booking_id: estimateBooking, status: 'done', starts_at: t(1440), ends_at: t(1470), created_at: t(3), updated_at: t(3) });
    const repair = await appointment({ kind: 'repair', job_id: job.id, status: 'done', starts_at: t(7200), ends_at: t(7230), created_at: t(6), updated_at: t(9) });

    // A request she typed with her e-mail address, rejected: no appointment, so hers by the address.
    const rejectedLead = await insertLead(db, companyId, location.id, { email: customer.email.toUpperCase(), status: 'rejected', created_at: t(14), plate });
    await db('lead_events').insert({ lead_id: rejectedLead, from_status: 'new', to_status: 'rejected', staff_id: adminId, note: 'Fully booked that week', at: t(15) });
    // A request under another address, planned: hers through its appointment; then the appointment was cancelled.
    const plannedLead = await insertLead(db, companyId, location.id, { email: uniqueEmail('other-address'), status: 'cancelled', created_at: t(17) });
    await db('lead_events').insert([
      { lead_id: plannedLead, from_status: 'new', to_status: 'planned', staff_id: adminId, at: t(18) },
      { lead_id: plannedLead, from_status: 'planned', to_status: 'cancelled', staff_id: null, at: t(20) },
    ]);
    const service = await appointment({
      kind: 'service', lead_id: plannedLead, status: 'cancelled', services: ['Oil change'], starts_at: t(10_000), ends_at: t(10_060), created_at: t(18.5), updated_at: t(20.5),
    });
    await db('leads').where({ id: plannedLead }).update({ appointment_id: service });
    // An online booking she never confirmed: no job, hers by the address.
    const expiredBooking = randomUUID();
    await db('bookings').insert({
      ...bookingColumns, id: expiredBooking, kind: 'estimate', email: customer.email, slot_start: t(20_000), slot_end: t(20_030), status: 'expired',
      created_at: t(21), expires_at: t(22),
    });

    const message = (key: string, fields: Record<string, unknown>) =>
      db('sent_messages')
        .insert({ idempotency_key: `${key}-${randomUUID()}`, channel: 'email', recipient: customer.email, subject: '', status: 'sent', ...fields })
        .returning('id')
        .then(([row]) => row.id as number);
    const confirmation = await message('estimate', {
      kind: 'booking_confirmation', subject: 'Your estimate appointment', booking_id: estimateBooking, job_id: job.id, created_at: t(4), sent_at: t(4.2),
    });
    const checkinLink = await message('link', {
      kind: 'checkin_link', channel: 'sms', recipient: '+32470123456', body: 'Check in here', appointment_id: repair, status: 'failed', error: 'number refused', created_at: t(7),
    });
    const rejection = await message('rejection', { kind: 'lead_rejection', subject: 'About your request', lead_id: rejectedLead, status: 'sending', created_at: t(16) });
    const whatsapp = await message('whatsapp', {
      kind: 'appointment_confirmation', channel: 'whatsapp', recipient: '+32470123456', body: 'See you', customer_id: customer.id, status: 'queued',
      template: JSON.stringify({ name: 'appointment_confirmation', language: 'nl', parameters: [] }), created_at: t(19),
    });
    const [change] = await db('customer_events')
      .insert({ customer_id: customer.id, appointment_id: repair, kind: 'contact_changed', details: { field: 'phone', from: '+32 470 00 00 00', to: '+32 470 12 34 56' }, at: t(8) })
      .returning('id');

    // Around her: another customer of the company (its own appointment, lead with her address but its appointment, messages, change) ...
    const neighbour = await newCustomer(db, location, { first_name: 'Jan', last_name: 'Buur' });
    const [theirs] = await db('appointments')
      .insert({ company_id: companyId, location_id: location.id, customer_id: neighbour.id, kind: 'service', starts_at: t(5000), ends_at: t(5030), created_at: t(30) })
      .returning('id');
    const sharedAddress = await insertLead(db, companyId, location.id, { email: customer.email, status: 'planned', created_at: t(31) });
    await db('appointments').where({ id: theirs.id }).update({ lead_id: sharedAddress });
    await message('neighbour', { kind: 'appointment_confirmation', subject: 'Not for Sofie', appointment_id: theirs.id, created_at: t(32) });
    await message('neighbour-direct', { kind: 'checkin_link', subject: 'Not for Sofie either', customer_id: neighbour.id, created_at: t(33) });
    await db('customer_events').insert({ customer_id: neighbour.id, kind: 'channel_changed', details: { field: 'preferred_channel', from: 'email', to: 'sms' }, at: t(34) });
    // ... and another company, where her address and number mean somebody else.
    const elsewhere = await createLocation(db);
    const stranger = await newCustomer(db, elsewhere.location, { email: customer.email, customer_number: customer.customer_number });
    await insertLead(db, elsewhere.companyId, elsewhere.location.id, { email: customer.email, created_at: t(35) });
    const strangerAdmin = await createStaff(db, elsewhere.companyId, 'admin');

    const expected: [string, Date][] = [
      [`booking:${estimateBooking}:requested`, t(0)],
      [`booking:${estimateBooking}:confirmed`, t(1)],
      [`job:${job.id}:created`, t(2)],
      [`appointment:${estimate}:created`, t(3)],
      [`message:${confirmation}`, t(4)],
      [`appointment:${repair}:created`, t(6)],
      [`message:${checkinLink}`, t(7)],
      [`change:${change.id}`, t(8)],
      [`job:${job.id}:vehicle_in`, t(9)],
      [`job:${job.id}:work_started`, t(10)], // the location counts "ready for start"; the first activity (t 11) is no entry
      [`job:${job.id}:finished`, t(12)],
      [`job:${job.id}:picked_up`, t(13)],
      [`lead:${rejectedLead}`, t(14)],
      [`lead_event:${(await db('lead_events').where({ lead_id: rejectedLead, to_status: 'rejected' }).first('id')).id}`, t(15)],
      [`message:${rejection}`, t(16)],
      [`lead:${plannedLead}`, t(17)],
      [`lead_event:${(await db('lead_events').where({ lead_id: plannedLead, to_status: 'planned' }).first('id')).id}`, t(18)],
      [`appointment:${service}:created`, t(18.5)],
      [`message:${whatsapp}`, t(19)],
      [`lead_event:${(await db('lead_events').where({ lead_id: plannedLead, to_status: 'cancelled' }).first('id')).id}`, t(20)],
      [`appointment:${service}:cancelled`, t(20.5)],
      [`booking:${expiredBooking}:requested`, t(21)],
      [`booking:${expiredBooking}:expired`, t(22)],
    ];
    const newestFirst = expected.sort((a, b) => b[1].getTime() - a[1].getTime()).map(([id]) => id);

    const login = async (who: { email: string; password: string }) => {
      const client = httpClient(platform.baseUrl);
      await client.login(who.email, who.password);
      return client;
    };
    return {
      companyId, location, customer, job, estimate, repair, rejectedLead, plannedLead, neighbour, stranger, newestFirst,
      admin: await login(admin), mechanic: await login(mechanic), outsider: await login(strangerAdmin),
    };
  }

  it('shows every job date, appointment, booking, request and its status changes, message and change of one customer, newest first, and nothing of anybody else', async () => {
    const w = await sofie();
    const page = await customerTimeline(platform.db, w.customer, { limit: 100 });
    expect(page.entries.map((e) => e.id)).toEqual(w.newestFirst);
    expect(page.next).toBeNull();

    const byId = new Map(page.entries.map((e) => [e.id, e]));
    const entry = (id: string) => byId.get(id)!;
    expect(entry(`job:${w.job.id}:vehicle_in`)).toMatchObject({ type: 'job', direction: 'none', title: 'job.vehicle_in', link: `/staff/jobs/${w.job.job_number}`, time_zone: 'Europe/Brussels' });
    expect(entry(`appointment:${w.estimate}:created`)).toMatchObject({ type: 'appointment', title: 'appointment.created.estimate', link: `/staff/appointments/${w.estimate}` });
    expect(entry(`appointment:${w.estimate}:created`).details).toMatchObject({ kind: 'estimate', status: 'done', jobNumber: w.job.job_number });
    const messages = page.entries.filter((e) => e.type === 'message');
    expect(messages.map((m) => [m.direction, m.title, m.details.status, m.details.channel])).toEqual([
      ['out', 'message.out', 'queued', 'whatsapp'],
      ['out', 'message.out', 'sending', 'email'],
      ['out', 'message.out', 'failed', 'sms'],
      ['out', 'message.out', 'sent', 'email'],
    ]);
    expect(messages[2]!.details).toMatchObject({ error: 'number refused', recipient: '+32470123456', kind: 'checkin_link' });
    expect(messages[2]!.link).toBe(`/staff/appointments/${w.repair}`);
    expect(new Date(messages[3]!.details.sentAt as string).getTime()).toBe(t(4.2).getTime());
    const rejected = page.entries.find((e) => e.title === 'lead.status.rejected')!;
    expect(rejected.details).toMatchObject({ from: 'new', to: 'rejected', by: 'Test admin', note: 'Fully booked that week' });
    expect(rejected.link).toBe(`/staff/leads/${w.rejectedLead}`);
    expect(page.entries.find((e) => e.title === 'lead.status.cancelled')!.details.by).toBeNull();
    expect(entry(`booking:${page.entries.at(-1)!.id.split(':')[1]}:requested`).title).toBe('booking.requested.estimate');
    expect(page.entries.find((e) => e.type === 'change')!).toMatchObject({ title: 'change.contact_changed', link: `/staff/appointments/${w.repair}` });

    // The neighbour's own timeline holds their entries, none of Sofie's.
    const theirs = (await customerTimeline(platform.db, w.neighbour, { limit: 100 })).entries.map((e) => e.id);
    expect(theirs).toHaveLength(5); // appointment, request (through it), two messages, a change
    expect(theirs.filter((id) => w.newestFirst.includes(id))).toEqual([]);
    // The other company's customer with her address and number: only their own request.
    expect((await customerTimeline(platform.db, w.stranger, { limit: 100 })).entries.map((e) => e.title)).toEqual(['lead.created']);
  });

  it('filters by type, each filter alone and together, and pages every filter without gaps or repeats', async () => {
    const w = await sofie();
    const all = (await customerTimeline(platform.db, w.customer, { limit: 100 })).entries;
    for (const filter of timelineFilters) {
      const only = (await customerTimeline(platform.db, w.customer, { filters: [filter], limit: 100 })).entries;
      expect(only.length, filter).toBeGreaterThan(0);
      expect(only.map((e) => e.id), filter).toEqual(all.filter((e) => filterOf[e.type] === filter).map((e) => e.id));
    }
    const two = (await customerTimeline(platform.db, w.customer, { filters: ['jobs', 'messages'], limit: 100 })).entries;
    expect(two.map((e) => e.id)).toEqual(all.filter((e) => e.type === 'job' || e.type === 'message').map((e) => e.id));

    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: all.length + 1 }), fc.subarray([...timelineFilters]), async (limit, filters) => {
        const pages = await allPages(platform.db, w.customer, limit, filters);
        const wanted = filters.length === 0 ? all : all.filter((e) => filters.includes(filterOf[e.type]));
        expect(pages.flat().map((e) => e.id)).toEqual(wanted.map((e) => e.id));
        expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('pages random histories with equal and microsecond-apart times: the pages put together are the whole timeline, in order', async () => {
    const db = platform.db;
    const { location } = await createLocation(db);
    // Times from a small set (many entries share one) plus microseconds, which a JavaScript Date would lose.
    const moment = fc.record({ second: fc.integer({ min: 0, max: 5 }), micro: fc.constantFrom(0, 1, 999, 500_000) });
    const history = fc.array(fc.record({ source: fc.constantFrom('message' as const, 'change' as const), at: moment }), { minLength: 0, maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(history, fc.integer({ min: 1, max: 8 }), async (entries, limit) => {
        const customer = await newCustomer(db, location);
        const stamp = ({ second, micro }: { second: number; micro: number }) => `2026-11-0${1 + (second % 2)}T10:00:0${second}.${String(micro).padStart(6, '0')}Z`;
        for (const [index, entry] of entries.entries()) {
          if (entry.source === 'message') {
            await db('sent_messages').insert({ idempotency_key: randomUUID(), kind: 'checkin_link', recipient: customer.email, customer_id: customer.id, created_at: stamp(entry.at) });
          } else {
            await db('customer_events').insert({ customer_id: customer.id, kind: 'contact_changed', details: { field: 'email', from: '', to: `${index}@example.test` }, at: stamp(entry.at) });
          }
        }
        const whole = (await customerTimeline(db, customer, { limit: 200 })).entries;
        expect(whole).toHaveLength(entries.length);
        // Newest first, ties by id (bytewise), never out of order.
        for (let i = 1; i < whole.length; i++) expect(whole[i - 1]!.cursor > whole[i]!.cursor, `${whole[i - 1]!.cursor} before ${whole[i]!.cursor}`).toBe(true);
        const pages = await allPages(db, customer, limit);
        expect(pages.flat().map((e) => e.id)).toEqual(whole.map((e) => e.id));
        expect(new Set(pages.flat().map((e) => e.id)).size).toBe(entries.length);
      }),
      { numRuns: 20 },
    );
  });

  it('the page: contact data, vehicles, the timeline with its filters (GET form), "load more" as a fragment for htmx and as a page without; /log moves here', async () => {
    const w = await sofie();
    const base = `/staff/customers/${w.customer.id}`;
    const { status, html } = await w.admin.page(`${base}?lang=en`);
    expect(status).toBe(200);
    expect(html).toContain('<h1>Customer: Sofie Claes</h1>');
    for (const text of [w.customer.customer_number!, w.customer.email, '+32 470 12 34 56', 'Kerkstraat 5, 9000 Gent', 'Nederlands', 'TMBJJ7NE0J0123456', 'Skoda Octavia']) {
      expect(html, text).toContain(text);
    }
    expect(entryIds(html)).toEqual(w.newestFirst);
    // Dates in the location's zone (Brussels, UTC+2 on 1 October): the job came in at 08:09 UTC.
    const brussels = (date: Date) => formatLocalDateTimeShort(date, 'Europe/Brussels', 'en');
    expect(brussels(t(9))).toContain('10:09');
    expect(html).toContain(`<time datetime="${t(9).toISOString()}">${brussels(t(9))}</time>`);
    expect(html).toContain('Vehicle in (job ' + w.job.job_number + ')');
    expect(html).toContain(`Estimate appointment made for ${brussels(t(1440))}`);
    expect(html).toContain('number refused');
    expect(html).toContain('Service request rejected');
    expect(html).toContain('Fully booked that week');
    expect(visibleText(html)).toContain('Changed contact details Field Phone Before +32 470 00 00 00 After +32 470 12 34 56');
    expect(visibleText(html)).toMatch(/Outgoing Message to the customer Message Online check-in link Channel SMS To \+32470123456 Status failed number refused/);
    expect(html).not.toContain('Not for Sofie');
    expect(html).toContain(`href="/staff/jobs/${w.job.job_number}"`);
    expect(html).toContain('name="type" value="messages"');

    const messagesOnly = await w.admin.page(`${base}?type=messages&lang=en`);
    expect(entryIds(messagesOnly.html).every((id) => id.startsWith('message:'))).toBe(true);
    expect(entryIds(messagesOnly.html)).toHaveLength(4);
    expect(messagesOnly.html).toMatch(/value="messages" checked/);
    const unknownIgnored = await w.admin.page(`${base}?type=nonsense&type=leads&lang=en`);
    expect(entryIds(unknownIgnored.html).every((id) => id.startsWith('lead'))).toBe(true);

    // More than a page: 30 changes more. The first page holds 25 and a link to the rest.
    await platform.db('customer_events').insert(
      Array.from({ length: 30 }, (_, i) => ({ customer_id: w.customer.id, kind: 'checkin_completed', details: { accepted: [`Service ${i}`] }, at: t(100 + i) })),
    );
    const first = await w.admin.page(`${base}?lang=en`);
    const firstIds = entryIds(first.html);
    expect(firstIds).toHaveLength(25);
    const more = /<a class="button secondary" href="([^"]+)" hx-get="\1" hx-target="closest li" hx-swap="outerHTML">Load older entries<\/a>/.exec(first.html);
    expect(more, 'a load-more link').not.toBeNull();
    const moreUrl = more![1]!.replaceAll('&amp;', '&');
    expect(entryIds((await w.admin.page(`${base}?lang=en&${timelineFilters.map((f) => `type=${f}`).join('&')}`)).html)).toEqual(firstIds);
    // htmx follows the link: each answer is the next entries and the next link, never a whole page.
    const loaded = [...firstIds];
    let next: string | undefined = moreUrl;
    let last = '';
    for (let round = 0; next; round++) {
      expect(round).toBeLessThan(5);
      const fragment = await w.admin.request(`${next}&lang=en`, { headers: { 'HX-Request': 'true' } });
      expect(fragment.status).toBe(200);
      expect(fragment.headers.get('vary')).toMatch(/HX-Request/i);
      last = await fragment.text();
      expect(last).not.toContain('<html');
      expect(last.trim()).toMatch(/^<li/);
      loaded.push(...entryIds(last));
      next = /hx-get="([^"]+)"/.exec(last)?.[1]?.replaceAll('&amp;', '&');
    }
    const changesNewestFirst = (await platform.db('customer_events').where({ customer_id: w.customer.id, kind: 'checkin_completed' }).orderBy('at', 'desc').select('id')).map((e) => `change:${e.id}`);
    expect(loaded).toEqual([...changesNewestFirst, ...w.newestFirst]);
    expect(last).toContain('Nothing older.');
    const secondPage = await w.admin.request(`${moreUrl}&lang=en`, { headers: { 'HX-Request': 'true' } });
    const secondIds = entryIds(await secondPage.text());
    expect(secondIds).toEqual(loaded.slice(25, 50));
    // Without JavaScript the same link is a whole page from there on, with a way back to the newest.
    const olderPage = await w.admin.page(`${moreUrl}&lang=en`);
    expect(olderPage.html).toContain('<h1>Customer: Sofie Claes</h1>');
    expect(entryIds(olderPage.html)).toEqual(secondIds);
    expect(olderPage.html).toContain('Back to the newest entries');

    // A cursor that is none of ours is refused in words, not with a 500.
    for (const before of ['yesterday', '2026-13-45T10:00:00.000000Z,message:1', '2026-10-01T10:00:00.000000Z,users:1', "2026-10-01T10:00:00.000000Z,message:1' or 1=1"]) {
      const refused = await w.admin.request(`${base}?before=${encodeURIComponent(before)}&lang=en`);
      expect(refused.status, before).toBe(400);
    }

    const moved = await w.admin.request(`${base}/log`);
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(base);
  });

  it('every role reads it, a mechanic without contact data, messages or changes; other companies, the cash-sale customer and unknown ids get 404; job, appointment and request pages link to it', async () => {
    const w = await sofie();
    const base = `/staff/customers/${w.customer.id}`;
    const mechanic = await w.mechanic.page(`${base}?lang=en`);
    expect(mechanic.status).toBe(200);
    expect(mechanic.html).toContain('Sofie Claes');
    expect(mechanic.html).toContain('TMBJJ7NE0J0123456');
    for (const hidden of [w.customer.email, '+32 470 12 34 56', 'Kerkstraat', 'number refused', 'Changed contact details']) expect(mechanic.html, hidden).not.toContain(hidden);
    const ids = entryIds(mechanic.html);
    expect(ids).toEqual(w.newestFirst.filter((id) => !id.startsWith('message:') && !id.startsWith('change:')));
    expect(mechanic.html).not.toContain('value="messages"');
    expect(entryIds((await w.mechanic.page(`${base}?type=messages&type=changes&lang=en`)).html)).toEqual([]);

    expect((await w.outsider.request(base)).status).toBe(404);
    expect((await w.outsider.request(`${base}?before=${encodeURIComponent('2026-10-01T10:00:00.000000Z,message:1')}`)).status).toBe(404);
    const [cashSale] = await platform.db('customers').insert({ company_id: w.companyId, first_name: 'Cash sale', last_name: '', is_cash_sale: true, customer_number: 'CASH' }).returning('id');
    expect((await w.admin.request(`/staff/customers/${cashSale.id}`)).status).toBe(404);
    expect((await w.admin.request(`/staff/customers/2147483647`)).status).toBe(404);
    expect((await httpClient(platform.baseUrl).request(base)).status).toBe(303); // not logged in: to the login page

    const link = `href="${base}"`;
    expect((await w.admin.page(`/staff/jobs/${w.job.job_number}?lang=en`)).html).toContain(link);
    expect((await w.mechanic.page(`/staff/jobs/${w.job.job_number}?lang=en`)).html).toContain(link);
    expect((await w.admin.page(`/staff/appointments/${w.repair}?lang=en`)).html).toContain(link);
    // Both requests are hers: one by her address, one through its appointment.
    expect((await w.admin.page(`/staff/leads/${w.rejectedLead}?lang=en`)).html).toContain(link);
    expect((await w.admin.page(`/staff/leads/${w.plannedLead}?lang=en`)).html).toContain(link);
  });
});

