import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAppointments, listPinnedAppointments } from '../db/appointments';
import { convertServiceToWorkLine } from '../db/checkinItems';
import type { Location } from '../db/locations';
import { startCheckinWorkflow } from '../clients/checkinWorkflow';
import { checkinStateQuery, checkinWorkflowId } from '../workflows/checkIn.contract';
import { checkedInAppointment } from './support/checkinStaff';
import { createLocation, createStaff, uniqueEmail } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

/** The HTML of one section of the appointment page (by its id), so a test can tell where a text stands. */
const section = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`);
  expect(start, `section #${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
};

/** The HTML of one check-in item, up to the next item. */
const checkinItem = (html: string, id: number) => {
  const rest = section(html, `checkin-item-${id}`);
  const next = rest.slice(1).search(/id="checkin-item-\d+"/);
  return next === -1 ? rest : rest.slice(0, next + 1);
};

describe('C5-C8 staff side of the check-in: work lines, handling, mechanics, moving, communication log (PostgreSQL, HTTP, Temporal)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  async function world() {
    const { companyId, location } = await createLocation(platform.db);
    const receptionist = await createStaff(platform.db, companyId, 'receptionist');
    const mechanic = await createStaff(platform.db, companyId, 'mechanic');
    const staffId = (await platform.db('staff_users').where({ email: receptionist.email }).first('id')).id as number;
    const desk = httpClient(platform.baseUrl);
    await desk.login(receptionist.email, receptionist.password);
    const workshop = httpClient(platform.baseUrl);
    await workshop.login(mechanic.email, mechanic.password);
    const inDays = (days: number) => DateTime.now().setZone('Europe/Brussels').plus({ days }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    const appointment = (days: number, lastName?: string) =>
      checkedInAppointment(platform.db, location as Location, platform.config.UPLOAD_DIR, inDays(days).toJSDate(), lastName);
    return { companyId, location, staffId, desk, workshop, inDays, appointment };
  }

  const workLines = (appointmentId: number) => platform.db('appointment_work_lines').where({ appointment_id: appointmentId }).orderBy('id');
  const item = (id: number) => platform.db('checkin_items').where({ id }).first();

  it('C7: converting an accepted service twice at once makes one work line; the service leaves the check-in section', async () => {
    const w = await world();
    const a = await w.appointment(4);
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => convertServiceToWorkLine(platform.db, a.appointmentId, a.carWash, w.staffId)));
    expect(outcomes.filter((o) => o === 'converted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'alreadyHandled')).toHaveLength(3);

    // And once more through the page (a colleague's stale page).
    const again = await w.desk.post(`/staff/appointments/${a.appointmentId}/checkin/${a.carWash}/convert`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toContain('done=alreadyHandled');

    const lines = await workLines(a.appointmentId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ description: 'Car wash', price_cents: 1500, currency: 'EUR', source: 'service', checkin_item_id: a.carWash });
    expect(await item(a.carWash)).toMatchObject({ work_line_id: lines[0].id, handled_by: w.staffId });
    expect((await item(a.carWash)).handled_at).toBeInstanceOf(Date);

    const { html } = await w.desk.page(`/staff/appointments/${a.appointmentId}?lang=en`);
    expect(section(html, 'checkin')).not.toContain('Car wash');
    expect(section(html, 'checkin')).toContain('Interior cleaning');
    expect(section(html, 'work-lines')).toContain('Car wash');
    expect(section(html, 'work-lines')).toContain('€15.00');
    // The check-in section stands above the work lines.
    expect(html.indexOf('id="checkin"')).toBeLessThan(html.indexOf('id="work-lines"'));
  });

  it('C7: "add intervention" handles a remark whether saved or cancelled, saving twice makes one line; C5/C8 pin until all is handled', async () => {
    const w = await world();
    const a = await w.appointment(20);
    const range = { from: w.inDays(19).startOf('day').toJSDate(), to: w.inDays(22).startOf('day').toJSDate() };
    // C5: pinned whatever the range, and not in its date's list meanwhile.
    expect((await listPinnedAppointments(platform.db, w.companyId)).map((p) => [p.id, p.open_checkin_items])).toEqual([[a.appointmentId, 5]]);
    expect(await listAppointments(platform.db, w.companyId, range.from, range.to)).toEqual([]);

    const opened = await w.desk.post(`/staff/appointments/${a.appointmentId}/checkin/${a.scratchRemark}/handle`);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(`/staff/appointments/${a.appointmentId}/work-lines/new?remark=${a.scratchRemark}`);
    expect(await item(a.scratchRemark)).toMatchObject({ handled_by: w.staffId, work_line_id: null });
    const form = await w.desk.page(`${opened.headers.get('location')}&lang=en`);
    expect(form.html).toContain('value="Scratch on the left door"');
    expect(form.html).toContain('Since last week, about 10 cm long.</textarea>');

    const save = () =>
      w.desk.post(`/staff/appointments/${a.appointmentId}/work-lines`, {
        remark: String(a.scratchRemark),
        description: 'Polish scratch left door',
        remarks: 'Since last week,\r\nabout 10 cm long.', // a plain form post's line break
        price: '89,50',
      });
    expect((await save()).headers.get('location')).toContain('done=workLineAdded');
    expect((await save()).headers.get('location')).toContain('done=interventionExisted');
    const lines = await workLines(a.appointmentId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ description: 'Polish scratch left door', remarks: 'Since last week,\nabout 10 cm long.', price_cents: 8950, source: 'remark', checkin_item_id: a.scratchRemark });
    expect(await item(a.scratchRemark)).toMatchObject({ work_line_id: lines[0].id });

    // Cancelled: opened, never saved, still handled.
    await w.desk.post(`/staff/appointments/${a.appointmentId}/checkin/${a.privateRemark}/handle`);
    expect((await item(a.privateRemark)).handled_at).toBeInstanceOf(Date);
    // "Contact me" is marked handled; handling twice keeps the first moment.
    const contacted = await w.desk.post(`/staff/appointments/${a.appointmentId}/checkin/${a.interiorCleaning}/handle`);
    expect(contacted.headers.get('location')).toContain('done=itemHandled');
    const firstHandled = (await item(a.interiorCleaning)).handled_at as Date;
    await w.desk.post(`/staff/appointments/${a.appointmentId}/checkin/${a.interiorCleaning}/handle`);
    expect((await item(a.interiorCleaning)).handled_at).toEqual(firstHandled);
    await w.desk.post(`/staff/appointments/${a.appointmentId}/checkin/${a.carWash}/convert`);
    expect((await listPinnedAppointments(platform.db, w.companyId)).map((p) => p.open_checkin_items)).toEqual([1]);

    const page = await w.desk.page(`/staff/appointments/${a.appointmentId}?lang=en`);
    expect(section(page.html, 'checkin')).toMatch(/class="checkin-item handled" id="checkin-item-\d+"[\s\S]*Handled/);
    expect(checkinItem(page.html, a.noiseRemark)).toContain('To handle');
    expect(checkinItem(page.html, a.noiseRemark)).not.toContain('Handled');
    expect(checkinItem(page.html, a.privateRemark)).toContain('Handled by Test receptionist');
    expect(checkinItem(page.html, a.privateRemark)).not.toContain('Add intervention');

    await w.desk.post(`/staff/appointments/${a.appointmentId}/checkin/${a.noiseRemark}/handle`);
    // C8: all handled — no longer pinned, back on its own date only.
    expect(await listPinnedAppointments(platform.db, w.companyId)).toEqual([]);
    const onItsDate = await listAppointments(platform.db, w.companyId, range.from, range.to);
    expect(onItsDate.map((x) => [x.id, x.open_checkin_items, x.checkin_completed_at instanceof Date])).toEqual([[a.appointmentId, 0, true]]);
  });

  it('C6: mechanics see only the remarks made visible, with their files, and may change nothing (403)', async () => {
    const w = await world();
    const a = await w.appointment(5);
    const pagePath = `/staff/appointments/${a.appointmentId}?lang=en`;
    let seen = await w.workshop.page(pagePath);
    expect(seen.status).toBe(200);
    expect(seen.html).toContain('Rattling noise at 50 km/h');
    expect(seen.html).not.toContain('Scratch on the left door');
    expect(seen.html).not.toContain('Please call my partner');
    expect(seen.html).not.toContain('Interior cleaning');
    expect(seen.html).not.toContain('Add intervention');
    const photo = (id: number) => `/staff/appointments/${a.appointmentId}/checkin-files/${id}`;
    expect((await w.workshop.request(photo(a.scratchPhoto.id))).status).toBe(404);

    // Staff switch the scratch on for mechanics.
    const switched = await w.desk.post(`/staff/appointments/${a.appointmentId}/checkin/${a.scratchRemark}/visibility`, { visible: 'true' });
    expect(switched.headers.get('location')).toContain('done=remarkVisible');
    seen = await w.workshop.page(pagePath);
    expect(seen.html).toContain('Scratch on the left door');
    expect(seen.html).toContain(`src="${photo(a.scratchPhoto.id)}"`);
    expect(seen.html).not.toContain('Please call my partner');
    const file = await w.workshop.request(photo(a.scratchPhoto.id));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('cache-control')).toContain('private');
    expect(Buffer.from(await file.arrayBuffer()).equals(a.scratchPhoto.bytes)).toBe(true);
    expect((await w.workshop.request(photo(a.privatePhoto.id))).status).toBe(404);
    // Staff who plan see every file; nobody outside the company, and nobody logged out.
    expect((await w.desk.request(photo(a.privatePhoto.id))).status).toBe(200);
    const { companyId: otherCompany } = await createLocation(platform.db);
    const stranger = await createStaff(platform.db, otherCompany, 'admin');
    const outsider = httpClient(platform.baseUrl);
    await outsider.login(stranger.email, stranger.password);
    expect((await outsider.request(photo(a.scratchPhoto.id))).status).toBe(404);
    expect((await fetch(`${platform.baseUrl}${photo(a.scratchPhoto.id)}`, { redirect: 'manual' })).status).toBe(303);

    const base = `/staff/appointments/${a.appointmentId}`;
    const attempts: [string, Record<string, string>][] = [
      [`${base}/checkin/${a.carWash}/convert`, {}],
      [`${base}/checkin/${a.interiorCleaning}/handle`, {}],
      [`${base}/checkin/${a.noiseRemark}/visibility`, { visible: 'false' }],
      [`${base}/work-lines`, { description: 'Sneaky', price: '1' }],
      [`${base}/move`, { starts: '2030-01-01T09:00', duration: '60' }],
    ];
    for (const [path, form] of attempts) expect((await w.workshop.post(path, form)).status, path).toBe(403);
    expect((await w.workshop.request(`${base}/work-lines/new`)).status).toBe(403);
    expect(await workLines(a.appointmentId)).toEqual([]);
    expect(await platform.db('checkin_items').where({ appointment_id: a.appointmentId }).whereNotNull('handled_at')).toEqual([]);
    expect((await item(a.noiseRemark)).visible_to_mechanics).toBe(true);
  });

  it('work lines: prices as typed become cents, the total is shown, edit and delete; a wrong price is answered beside the field', async () => {
    const w = await world();
    const a = await w.appointment(6);
    const base = `/staff/appointments/${a.appointmentId}`;
    expect((await w.desk.post(`${base}/work-lines`, { description: 'Big service', remarks: 'With oil filter', price: '1.234,50' })).status).toBe(303);
    expect((await w.desk.post(`${base}/work-lines`, { description: 'Brake pads front', price: '89.5' })).status).toBe(303);
    const refused = await w.desk.post(`${base}/work-lines`, { description: 'Wipers', price: 'twelve' });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('Please enter a price such as 89.50.');
    expect(refusedHtml).toContain('value="Wipers"');
    expect((await w.desk.post(`${base}/work-lines`, { description: '', price: '1' })).status).toBe(422);

    const [big, brakes] = await workLines(a.appointmentId);
    expect([big.price_cents, brakes.price_cents]).toEqual([123450, 8950]);
    let page = section((await w.desk.page(`${base}?lang=en`)).html, 'work-lines');
    expect(page).toContain('€1,234.50');
    expect(page).toContain('€89.50');
    expect(page).toMatch(/Total incl\. VAT[\s\S]*€1,324\.00/);

    const edit = await w.desk.page(`${base}/work-lines/${brakes.id}/edit?lang=nl`);
    expect(edit.html).toContain('value="89,50"');
    expect((await w.desk.post(`${base}/work-lines/${brakes.id}`, { description: 'Brake pads front and rear', price: '120' })).status).toBe(303);
    expect((await w.desk.post(`${base}/work-lines/${big.id}/delete`)).status).toBe(303);
    expect((await workLines(a.appointmentId)).map((l) => [l.description, l.price_cents])).toEqual([['Brake pads front and rear', 12000]]);
    page = section((await w.desk.page(`${base}?lang=en`)).html, 'work-lines');
    expect(page).toMatch(/Total incl\. VAT[\s\S]*€120\.00/);
  });

  it('moving an appointment changes its times and moves its check-in workflow (D2 reschedule)', async () => {
    const w = await world();
    const a = await w.appointment(10);
    const deps = { temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    await startCheckinWorkflow(deps, a.appointmentId);
    const handle = platform.temporal.workflow.getHandle(checkinWorkflowId(a.appointmentId));
    const original = w.inDays(10).toJSDate().toISOString();
    await waitUntil('the workflow read the appointment', async () => (await handle.query(checkinStateQuery)).startsAt === original);

    const base = `/staff/appointments/${a.appointmentId}`;
    const refused = await w.desk.post(`${base}/move`, { starts: 'next tuesday', duration: '60' });
    const refusedPage = await refused.text();
    expect(refused.status, refusedPage.slice(0, 2000)).toBe(422);
    expect(refusedPage).toContain('Please enter a date and time.');

    const newStart = w.inDays(12).set({ hour: 14, minute: 30 });
    const moved = await w.desk.post(`${base}/move`, { starts: newStart.toFormat("yyyy-MM-dd'T'HH:mm"), duration: '90' });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe(`${base}?done=moved`);
    const row = await platform.db('appointments').where({ id: a.appointmentId }).first('starts_at', 'ends_at');
    expect(row.starts_at.toISOString()).toBe(newStart.toJSDate().toISOString());
    expect(row.ends_at.getTime() - row.starts_at.getTime()).toBe(90 * 60_000);
    await waitUntil('the workflow moved its moments', async () => (await handle.query(checkinStateQuery)).startsAt === newStart.toJSDate().toISOString());
    const page = await w.desk.page(`${base}?lang=en&done=moved`);
    expect(page.html).toContain('Appointment moved.');
    expect(page.html).toContain(`value="${newStart.toFormat("yyyy-MM-dd'T'HH:mm")}"`);
    await handle.terminate('test over');
  });

  it('moving an appointment that had already begun into the future gives it a check-in workflow again', async () => {
    const w = await world();
    const a = await w.appointment(-1); // yesterday: its check-in workflow ends at once
    const deps = { temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    await startCheckinWorkflow(deps, a.appointmentId);
    const handle = platform.temporal.workflow.getHandle(checkinWorkflowId(a.appointmentId));
    expect(await handle.result()).toBe('started');

    const newStart = w.inDays(9).set({ hour: 9, minute: 0 });
    const moved = await w.desk.post(`/staff/appointments/${a.appointmentId}/move`, { starts: newStart.toFormat("yyyy-MM-dd'T'HH:mm"), duration: '60' });
    expect(moved.status).toBe(303);
    const again = platform.temporal.workflow.getHandle(checkinWorkflowId(a.appointmentId));
    await waitUntil('a new run for the new time', async () => (await again.query(checkinStateQuery)).startsAt === newStart.toJSDate().toISOString());
    expect((await again.query(checkinStateQuery)).next?.kind).toBe('link');
    await again.terminate('test over');
  });

  it("the customer's communication log: messages of the customer, their appointments and requests, and their own changes, newest first", async () => {
    const w = await world();
    const a = await w.appointment(7);
    const db = platform.db;
    const [lead] = await db('leads')
      .insert({
        company_id: w.companyId, location_id: w.location.id, desired_date: '2026-12-01', time_window: 'morning', services: [], first_name: 'Lotte',
        last_name: 'Maes', email: uniqueEmail('lead'), phone: '', gdpr_consent_at: new Date(), plate: a.plate, status: 'planned',
      })
      .returning('id');
    await db('appointments').where({ id: a.appointmentId }).update({ lead_id: lead.id });
    const other = await w.appointment(8, 'Somebody');
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    const message = (key: string, fields: Record<string, unknown>) =>
      db('sent_messages').insert({ idempotency_key: `${key}-${a.appointmentId}`, channel: 'email', recipient: 'lotte@example.test', status: 'sent', ...fields });
    await message('ack', { kind: 'lead_acknowledgement', subject: 'We received your request', lead_id: lead.id, created_at: at(300) });
    await message('confirm', { kind: 'appointment_confirmation', subject: 'Your appointment is confirmed', appointment_id: a.appointmentId, created_at: at(200) });
    await message('link', { kind: 'checkin_link', channel: 'sms', recipient: '+32470556677', subject: '', body: 'Check in here', customer_id: a.customerId, status: 'failed', error: 'number refused', created_at: at(60) });
    await message('other', { kind: 'appointment_confirmation', subject: 'Not for Lotte', appointment_id: other.appointmentId, created_at: at(30) });
    await db('customer_events').insert([
      { customer_id: a.customerId, appointment_id: a.appointmentId, kind: 'contact_changed', details: { field: 'phone', from: '+32 470 55 66 77', to: '+32 470 99 88 77' }, at: at(100) },
      { customer_id: a.customerId, appointment_id: a.appointmentId, kind: 'checkin_completed', details: { accepted: ['Car wash'], contact_me: [], remarks: ['Scratch'] }, at: at(10) },
    ]);

    const appointmentPage = await w.desk.page(`/staff/appointments/${a.appointmentId}?lang=en`);
    expect(appointmentPage.html).toContain(`href="/staff/customers/${a.customerId}"`);
    const { status, html } = await w.desk.page(`/staff/customers/${a.customerId}?lang=en`);
    expect(status).toBe(200);
    const order = ['Completed the online check-in', 'number refused', 'Changed contact details', 'Your appointment is confirmed', 'We received your request'];
    const positions = order.map((text) => html.indexOf(text));
    expect(positions.every((p) => p > -1), JSON.stringify(positions)).toBe(true);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    expect(html).toContain('+32 470 99 88 77');
    expect(html).not.toContain('Not for Lotte');
    expect(html).toContain('Car wash');

    // B2: the log is the customer page; a mechanic reads it without messages and changes.
    const workshop = await w.workshop.page(`/staff/customers/${a.customerId}?lang=en`);
    expect(workshop.status).toBe(200);
    expect(workshop.html).not.toContain('number refused');
    expect(workshop.html).not.toContain('Changed contact details');
    const { companyId: otherCompany } = await createLocation(db);
    const stranger = await createStaff(db, otherCompany, 'admin');
    const outsider = httpClient(platform.baseUrl);
    await outsider.login(stranger.email, stranger.password);
    expect((await outsider.request(`/staff/customers/${a.customerId}`)).status).toBe(404);
  });
});
