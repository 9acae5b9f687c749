import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardCard } from '../db/board';
import { phoneColumns } from '../db/customers';
import { findJobState } from '../db/jobs';
import { normalizePlate } from '../lib/plates';
import { moveCard } from '../web/board/service';
import { jobStatusQuery, jobWorkflowId } from '../workflows/jobLifecycle.contract';
import { createLocation, createStaff, uniqueEmail, uniquePlate } from './support/fixtures';
import { httpClient, visibleText, type HttpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

/** A form post as htmx sends it (hx-post): the CSRF token in its header, HX-Request set. */
const htmxPost = (client: HttpClient, path: string, fields: Record<string, string>) =>
  client.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'HX-Request': 'true', 'X-CSRF-Token': client.csrfToken() },
    body: new URLSearchParams(fields),
  });

/** W3/B2: a board move is the job's D4 lifecycle (real Temporal, real PostgreSQL, the web app over HTTP). */
describe('board moves through the D4 job workflow', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const deps = () => ({ db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE });

  async function world() {
    const db = platform.db;
    const { companyId, location } = await createLocation(db);
    const advisor = await createStaff(db, companyId, 'service_advisor');
    const mechanic = await createStaff(db, companyId, 'mechanic');
    const staffOf = async (email: string) => db('staff_users').where({ email }).first('id', 'company_id', 'name');
    /** A service appointment of today, as staff type it: a customer and (unless told otherwise) their vehicle. */
    async function appointment(options: { customer?: boolean; vehicle?: boolean } = {}) {
      const email = uniqueEmail('card');
      const plate = uniquePlate();
      const [customer] = options.customer === false ? [undefined] : await db('customers').insert({ company_id: companyId, first_name: 'Noor', last_name: 'Claes', email, ...phoneColumns('+32 470 55 44 33') }).returning('id');
      const [vehicle] =
        options.vehicle === false || !customer
          ? [undefined]
          : await db('vehicles').insert({ company_id: companyId, customer_id: customer.id, plate, plate_normalized: normalizePlate(plate), make: 'Kia', model: 'Ceed' }).returning('id');
      const startsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
      const [{ id }] = await db('appointments')
        .insert({
          company_id: companyId, location_id: location.id, kind: 'service', starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000),
          customer_id: customer?.id ?? null, vehicle_id: vehicle?.id ?? null, first_name: customer ? 'Noor' : '', last_name: customer ? 'Claes' : '',
          email: customer ? email : '', phone: '', work_description: 'Annual service',
        })
        .returning('id');
      return { id: id as number, plate, startsAt };
    }
    return { db, companyId, location, advisor, mechanic, staffOf, appointment };
  }

  it('New → In service gives a jobless card its job (one appointment, D4 at vehicle in); Ready marks it finished and the status page shows it', async () => {
    const w = await world();
    const card = await w.appointment();
    const mechanic = await w.staffOf(w.mechanic.email);

    const moved = await moveCard(deps(), mechanic, card.id, { column: 'in_service', from: 'new' });
    expect(moved).toMatchObject({ ok: true, card: { column: 'in_service', step: 'vehicle_in' } });
    const row = await w.db('appointments').where({ id: card.id }).first();
    expect(row.job_id).not.toBeNull();
    const job = await w.db('jobs').where({ id: row.job_id }).first();
    expect(job).toMatchObject({ source: 'staff', step: 'vehicle_in', on_site: true, vehicle_id: row.vehicle_id, customer_id: row.customer_id, location_id: w.location.id });
    // The visit is the job's D4 appointment: no second one appeared.
    expect(await w.db('appointments').where({ job_id: job.id }).whereNot('status', 'cancelled').pluck('id')).toEqual([card.id]);
    const state = (await findJobState(w.db, job.id))!;
    expect(state.appointment_at).toEqual(card.startsAt);
    const workflow = await platform.temporal.workflow.getHandle(jobWorkflowId(job.job_number)).query(jobStatusQuery);
    expect(workflow).toMatchObject({ step: 'vehicle_in', dates: { appointment: card.startsAt.toISOString() } });
    expect(await w.db('board_events').where({ appointment_id: card.id, change: 'moved' }).first()).toMatchObject({ board_column: 'in_service', staff_id: mechanic.id });

    // Through the page, as htmx posts it: the card's HTML comes back with this viewer's token in place of the placeholder.
    const staff = httpClient(platform.baseUrl);
    await staff.login(w.advisor.email, w.advisor.password);
    // The job page offers the new D4 step the way it offers the others.
    const jobPage = await staff.page(`/staff/jobs/${job.job_number}`);
    expect(jobPage.html).toMatch(/<button type="submit" name="type" value="waiting_for_customer"[^>]*>Waiting for customer<\/button>/);
    await staff.formPage('/staff/board');
    const answer = await staff.post(`/staff/board/cards/${card.id}/move`, { column: 'ready', from: 'in_service' });
    // (a plain form post: the board again, with what happened)
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`/staff/board?card=${card.id}&outcome=moved`);
    const finished = (await findJobState(w.db, job.id))!;
    expect(finished.step).toBe('finished');
    expect(finished.ready_for_start_at ?? finished.first_activity_at).not.toBeNull();
    expect(finished.finished_at).not.toBeNull();
    const board = await staff.page(`/staff/board?card=${card.id}&outcome=moved`);
    expect(visibleText(board.html)).toContain('Noor Claes moved to Ready.');
    expect(board.html).toMatch(new RegExp(`<li class="card[^"]*" id="card-${card.id}" data-id="${card.id}" data-column="ready"`));
    expect(board.html).not.toContain('%CSRF%');

    // B2: the customer's status page (P5) follows: the vehicle is finished.
    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/p/${w.location.slug}/lookup/status?lang=en`);
    const lookup = await customer.post(`/p/${w.location.slug}/lookup/status`, { plate: card.plate, jobNumber: job.job_number });
    expect(lookup.status).toBe(303);
    const status = await customer.page(lookup.headers.get('location')!);
    expect(status.html).toMatch(/<li class="done" data-step="finished">/);
    expect(status.html).toMatch(/<li class="done" data-step="vehicle_in">/);
  });

  it('Waiting for customer pauses the job (the status page says so); D4 refuses a move it does not allow, with its reason', async () => {
    const w = await world();
    const card = await w.appointment();
    const advisor = await w.staffOf(w.advisor.email);
    expect(await moveCard(deps(), advisor, card.id, { column: 'waiting_customer', from: 'new' })).toMatchObject({ ok: true, card: { column: 'waiting_customer' } });
    const jobId = (await w.db('appointments').where({ id: card.id }).first('job_id')).job_id;
    const job = await w.db('jobs').where({ id: jobId }).first('job_number', 'step');
    expect(job.step).toBe('waiting_customer');

    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/p/${w.location.slug}/lookup/status?lang=en`);
    const lookup = await customer.post(`/p/${w.location.slug}/lookup/status`, { plate: card.plate, jobNumber: job.job_number });
    const status = await customer.page(lookup.headers.get('location')!);
    expect(status.html).toMatch(/data-step="waiting_customer" aria-current="step"/);
    expect(visibleText(status.html)).toContain('We are waiting for your decision');
    // … and the job page: where the job stands, and the answer to record.
    const desk = httpClient(platform.baseUrl);
    await desk.login(w.advisor.email, w.advisor.password);
    const jobPage = await desk.page(`/staff/jobs/${job.job_number}`);
    expect(jobPage.html).toMatch(/<li class="current" data-step="waiting_customer" aria-current="step">/);
    expect(jobPage.html).toMatch(/<button type="submit" name="type" value="customer_answered"[^>]*>Customer answered<\/button>/);
    expect(jobPage.html).not.toMatch(/value="finished"/);

    // The customer answered: straight to Ready (answered, work started, finished), then a move back D4 refuses.
    expect(await moveCard(deps(), advisor, card.id, { column: 'ready', from: 'waiting_customer' })).toMatchObject({ ok: true, card: { column: 'ready', step: 'finished' } });
    const refused = await moveCard(deps(), advisor, card.id, { column: 'in_service', from: 'ready' });
    expect(refused).toMatchObject({ ok: false, reason: 'refused', refusal: 'vehicleAlreadyIn', card: { column: 'ready' } });

    // As htmx asks: 422, the card as it is, the reason in an alert.
    const staff = httpClient(platform.baseUrl);
    await staff.login(w.advisor.email, w.advisor.password);
    await staff.formPage('/staff/board');
    const answer = await htmxPost(staff, `/staff/board/cards/${card.id}/move`, { column: 'waiting_customer', from: 'ready' });
    expect(answer.status).toBe(422);
    const html = await answer.text();
    expect(html).toMatch(new RegExp(`^\\s*<li class="card[^"]*" id="card-${card.id}" data-id="${card.id}" data-column="ready"`));
    expect(html).toMatch(/<p class="card-alert alert" role="alert">This step was already recorded\.<\/p>/);
    expect(html).not.toContain('%CSRF%');
    expect(html).toContain(`value="${staff.csrfToken()}"`);
    expect((await w.db('jobs').where({ id: jobId }).first('step')).step).toBe('finished');
  });

  it('the second of two moves from the same column is a conflict naming the first: "moved to In service by …"', async () => {
    const w = await world();
    const card = await w.appointment();
    const advisor = await w.staffOf(w.advisor.email);
    const mechanic = await w.staffOf(w.mechanic.email);

    // Both saw the card in New; the moves queue on the card's lock and one job is created.
    const [first, second] = await Promise.all([
      moveCard(deps(), advisor, card.id, { column: 'in_service', from: 'new' }),
      moveCard(deps(), mechanic, card.id, { column: 'ready', from: 'new' }),
    ]);
    const outcomes = [first, second];
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const conflict = outcomes.find((o) => !o.ok)!;
    expect(conflict).toMatchObject({ ok: false, reason: 'conflict', last: { staffName: expect.stringMatching(/^Test /) } });
    expect(await w.db('jobs').where({ customer_id: (await w.db('appointments').where({ id: card.id }).first('customer_id')).customer_id }).count({ n: '*' }).first()).toEqual({ n: 1 });
    const column = (await boardCard(w.db, w.companyId, card.id))!.column;
    expect(['in_service', 'ready']).toContain(column);

    // Over HTTP, as htmx asks, from the column the card has left: 409 with the card as it is and who moved it.
    const late = httpClient(platform.baseUrl);
    await late.login(w.advisor.email, w.advisor.password);
    await late.formPage('/staff/board');
    const answer = await htmxPost(late, `/staff/board/cards/${card.id}/move`, { column: 'completed', from: 'new' });
    expect(answer.status).toBe(409);
    const text = visibleText(await answer.text());
    const mover = first.ok ? 'Test service_advisor' : 'Test mechanic';
    expect(text).toMatch(new RegExp(`Moved to (In service|Ready) by ${mover} \\d+ sec\\. ago\\.`));
    expect((await boardCard(w.db, w.companyId, card.id))!.column).toBe(column);

    // Without JS: back to the board, which names the conflict.
    const plain = httpClient(platform.baseUrl);
    await plain.login(w.mechanic.email, w.mechanic.password);
    await plain.formPage('/staff/board');
    const redirect = await plain.post(`/staff/board/cards/${card.id}/move`, { column: 'completed', from: 'new' });
    expect(redirect.headers.get('location')).toBe(`/staff/board?card=${card.id}&outcome=conflict`);
    expect(visibleText((await plain.page(redirect.headers.get('location')!)).html)).toMatch(new RegExp(`Moved to (In service|Ready) by ${mover}`));
  });

  it('an appointment without customer or vehicle gets no job: the move is refused with a link to the appointment', async () => {
    const w = await world();
    const noCustomer = await w.appointment({ customer: false });
    const noVehicle = await w.appointment({ vehicle: false });
    const advisor = await w.staffOf(w.advisor.email);
    expect(await moveCard(deps(), advisor, noCustomer.id, { column: 'in_service', from: 'new' })).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(await moveCard(deps(), advisor, noVehicle.id, { column: 'in_service', from: 'new' })).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(await w.db('appointments').whereIn('id', [noCustomer.id, noVehicle.id]).whereNotNull('job_id').count({ n: '*' }).first()).toEqual({ n: 0 });

    const staff = httpClient(platform.baseUrl);
    await staff.login(w.advisor.email, w.advisor.password);
    await staff.formPage('/staff/board');
    const answer = await htmxPost(staff, `/staff/board/cards/${noCustomer.id}/move`, { column: 'in_service', from: 'new' });
    expect(answer.status).toBe(422);
    const html = await answer.text();
    expect(html).toContain(`<a href="/staff/appointments/${noCustomer.id}">Open the appointment</a>`);
    expect(visibleText(html)).toContain('has no customer or no vehicle yet');
  });

  it('W7 without JavaScript: the card links to its colour form, a small page; its post sets the label and goes back to the board', async () => {
    const w = await world();
    const card = await w.appointment();
    const staff = httpClient(platform.baseUrl);
    await staff.login(w.mechanic.email, w.mechanic.password);
    const board = await staff.formPage('/staff/board');
    expect(board.html).toContain(`href="/staff/board/cards/${card.id}/color"`);
    expect(board.html).not.toContain(`id="color-${card.id}"`); // no colour form per card on the board
    const page = await staff.formPage(`/staff/board/cards/${card.id}/color`);
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain('Colour label: Noor Claes');
    const saved = await staff.post(`/staff/board/cards/${card.id}/color`, { color: 'purple' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/staff/board?card=${card.id}&outcome=color`);
    expect(await w.db('appointments').where({ id: card.id }).first('color')).toEqual({ color: 'purple' });
    // With htmx the same address answers only the form, to open in place.
    const fragment = await staff.request(`/staff/board/cards/${card.id}/color`, { headers: { 'HX-Request': 'true' } });
    const html = await fragment.text();
    expect(html.trimStart().startsWith('<form')).toBe(true);
    expect(html).toContain('<option value="purple" selected>');
    expect((await staff.request('/staff/board/cards/999999/color')).status).toBe(404);
  });
});
