import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiKey, revokeApiKey } from '../db/apiKeys';
import { phoneColumns } from '../db/customers';
import { openApiDocument, openApiFile, pushExample } from '../web/api/openapi';
import { plannerAppointmentSchema, plannerBatchSchema, problemSchema, pushResponseSchema } from '../web/api/schema';
import { checkinStateQuery, checkinWorkflowId } from '../workflows/checkIn.contract';
import { createJob, createLocation, createStaff, uniqueEmail, uniquePlate } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

/**
 * W2: the planning system's push API (POST /api/v1/appointments) through
 * HTTP, against the real app, PostgreSQL and Temporal: no cookies, no CSRF
 * token, only the company's API key.
 */
describe('W2 planner push API (HTTP, PostgreSQL, Temporal)', () => {
  let platform: Platform;
  beforeAll(async () => {
    // The fuzz test below sends more than a planner would in a minute; the limit has its own test.
    platform = await startPlatform({ API_RATE_LIMIT: '100000' });
  });
  afterAll(() => platform?.close());

  let counter = 0;
  const plannerId = () => `PLN-${Date.now()}-${++counter}`;
  const inDays = (days: number, hour = 9) => DateTime.now().setZone('Europe/Brussels').plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  const local = (at: DateTime) => at.toFormat("yyyy-MM-dd'T'HH:mm");

  async function company(slug?: string) {
    const { companyId, location } = await createLocation(platform.db, slug ? { slug } : {});
    const { key } = await createApiKey(platform.db, companyId, 'Planner', null);
    const push = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${platform.baseUrl}/api/v1/appointments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const appointments = () => platform.db('appointments').where({ company_id: companyId }).orderBy('id');
    return { companyId, location, key, push, appointments };
  }

  const results = async (response: Response) => {
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return pushResponseSchema.parse(body).results;
  };
  const problem = async (response: Response, status: number) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = problemSchema.parse(await response.json());
    expect(response.status, JSON.stringify(body)).toBe(status);
    return body;
  };

  it('the same push twice makes one appointment; the second says unchanged', async () => {
    const c = await company();
    const appointment = { external_id: plannerId(), starts_at: local(inDays(10)), work_description: 'Oil service' };
    const [first] = await results(await c.push(appointment));
    expect(first).toEqual({ external_id: appointment.external_id, outcome: 'added', appointment_id: expect.any(Number) });
    const [second] = await results(await c.push(appointment));
    expect(second).toEqual({ external_id: appointment.external_id, outcome: 'unchanged', appointment_id: first!.appointment_id });
    const rows = await c.appointments();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ external_source: 'planner', external_id: appointment.external_id, work_description: 'Oil service', kind: 'service', status: 'planned' });
    expect(rows[0].starts_at.toISOString()).toBe(inDays(10).toJSDate().toISOString());
  });

  it('the same id pushed concurrently makes one appointment and one customer', async () => {
    const c = await company();
    const appointment = { external_id: plannerId(), starts_at: local(inDays(11)), customer: { email: uniqueEmail('race'), last_name: 'Race' }, vehicle: { plate: uniquePlate() } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => c.push({ appointments: [appointment] }).then(results)));
    const outcomes = answers.map(([r]) => r!.outcome).sort();
    expect(outcomes).toEqual(['added', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(await c.appointments()).toHaveLength(1);
    expect(await platform.db('customers').where({ company_id: c.companyId })).toHaveLength(1);
    expect(await platform.db('vehicles').where({ company_id: c.companyId })).toHaveLength(1);
  });

  it('a changed push updates time and work description, never the job (the board column) nor the colour', async () => {
    const c = await company();
    const appointment = { external_id: plannerId(), starts_at: local(inDays(12)), work_description: 'Oil service' };
    const id = (await results(await c.push(appointment)))[0]!.appointment_id!;
    // On the board staff moved the card to In service (its job's D4 step) and gave it a colour.
    const job = await createJob(platform.db, c.location);
    await platform.db('jobs').where({ id: job.id }).update({ step: 'vehicle_in' });
    await platform.db('appointments').where({ id }).update({ job_id: job.id, color: 'blue' });

    const later = inDays(12, 14);
    const [changed] = await results(await c.push({ ...appointment, starts_at: later.toISO(), duration_minutes: 45, work_description: 'Oil service, brakes' }));
    expect(changed).toMatchObject({ outcome: 'updated', appointment_id: id });
    const row = await platform.db('appointments').where({ id }).first();
    expect(row.starts_at.toISOString()).toBe(later.toJSDate().toISOString());
    expect(row.ends_at.getTime() - row.starts_at.getTime()).toBe(45 * 60_000);
    expect(row).toMatchObject({ work_description: 'Oil service, brakes', job_id: job.id, color: 'blue' });
    expect((await platform.db('jobs').where({ id: job.id }).first()).step).toBe('vehicle_in');
    expect(await platform.db('board_events').where({ appointment_id: id }).pluck('change')).toEqual(['imported', 'imported']);
  });

  it('bad JSON, a missing date, an unknown field, an unknown location: 400 naming the field, nothing written', async () => {
    const c = await company();
    const other = await createLocation(platform.db);
    const good = { external_id: plannerId(), starts_at: local(inDays(10)) };

    const broken = await problem(await c.push('{"external_id": "A1", "starts_at": '), 400);
    expect(broken.detail).toMatch(/not valid JSON/);

    const missing = await problem(await c.push({ appointments: [good, { external_id: plannerId(), work_description: 'no date' }] }), 400);
    expect(missing.errors).toEqual([{ path: '$.appointments[1].starts_at', code: 'required', message: 'Required.' }]);

    const single = await problem(await c.push({ external_id: plannerId(), startsAt: local(inDays(10)) }), 400);
    expect(single.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '$.starts_at', code: 'required' }),
        expect.objectContaining({ path: '$.startsAt', code: 'unknownField' }),
      ]),
    );

    const badValues = await problem(await c.push({ ...good, starts_at: '10/12/2026 08:30', customer: { email: 'not-an-address', language: 'es' } }), 400);
    expect(badValues.errors!.map((e) => [e.path, e.code])).toEqual([
      ['$.starts_at', 'invalidFormat'],
      ['$.customer.email', 'invalidFormat'],
      ['$.customer.language', 'invalidValue'],
    ]);

    const elsewhere = await problem(await c.push({ appointments: [good, { ...good, external_id: plannerId(), location: other.location.slug }] }), 400);
    expect(elsewhere.errors).toEqual([expect.objectContaining({ path: '$.appointments[1].location', code: 'unknownLocation' })]);

    const backwards = await problem(await c.push({ ...good, ends_at: local(inDays(9)) }), 400);
    expect(backwards.errors).toEqual([expect.objectContaining({ path: '$.ends_at', code: 'endsBeforeStart' })]);

    const tooMany = await problem(await c.push({ appointments: Array.from({ length: 501 }, () => good) }), 400);
    expect(tooMany.errors).toEqual([expect.objectContaining({ path: '$.appointments', code: 'tooBig' })]);

    const notJson = await problem(await c.push('external_id=A1', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    expect(notJson.title).toBe('Unsupported Media Type');
    await problem(await c.push({ appointments: [{ ...good, notes: 'x'.repeat(1_100_000) }] }), 413);

    expect(await c.appointments()).toHaveLength(0);
  });

  it('whatever JSON a planner sends, the answer is 200 or a 400 problem, never a 500', async () => {
    const c = await company();
    const text = fc.oneof(fc.string(), fc.constantFrom('', ' ', '\u0000', '2026-02-30T08:00', '2026-12-10T08:30', '9999-12-31T23:59:59+14:00', 'x'.repeat(3000)));
    const value = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
    const appointment = fc.record(
      {
        external_id: fc.oneof(text, value),
        starts_at: fc.oneof(text, value),
        ends_at: fc.oneof(text, value),
        duration_minutes: value,
        location: fc.oneof(value, fc.constant(c.location.slug), fc.constant(c.location.id)),
        customer: fc.oneof(value, fc.record({ email: fc.oneof(text, fc.emailAddress()), phone: text, customer_number: text, language: text }, { requiredKeys: [] })),
        vehicle: fc.oneof(value, fc.record({ plate: text, vin: text }, { requiredKeys: [] })),
        cancelled: value,
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(appointment, fc.record({ appointments: fc.array(appointment, { maxLength: 3 }) }), fc.jsonValue());
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const response = await c.push(JSON.stringify(sent));
        await response.text();
        expect([200, 400]).toContain(response.status);
      }),
      { numRuns: 150 },
    );
  });

  it('a company with several locations names one; by slug or id', async () => {
    const c = await company();
    const second = await createLocation(platform.db, { companyId: c.companyId });
    const unnamed = await problem(await c.push({ external_id: plannerId(), starts_at: local(inDays(10)) }), 400);
    expect(unnamed.errors).toEqual([expect.objectContaining({ path: '$.location', code: 'locationRequired' })]);
    const byId = await results(await c.push({ external_id: plannerId(), starts_at: local(inDays(10)), location: second.location.id }));
    const bySlug = await results(await c.push({ external_id: plannerId(), starts_at: local(inDays(10)), location: c.location.slug }));
    const rows = await c.appointments();
    expect(rows.map((r) => r.location_id)).toEqual([second.location.id, c.location.id]);
    expect([byId[0]!.outcome, bySlug[0]!.outcome]).toEqual(['added', 'added']);
  });

  it('no key, a wrong key, a revoked key, another scheme: 401 and nothing written', async () => {
    const c = await company();
    const body = { external_id: plannerId(), starts_at: local(inDays(10)) };
    const send = (headers: Record<string, string>) =>
      fetch(`${platform.baseUrl}/api/v1/appointments`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const none = await send({});
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await problem(none, 401);
    await problem(await send({ authorization: `Bearer wsk_${'A'.repeat(43)}` }), 401);
    await problem(await send({ authorization: `Basic ${Buffer.from(`x:${c.key}`).toString('base64')}` }), 401);
    const [{ id }] = await platform.db('company_api_keys').where({ company_id: c.companyId }).select('id');
    expect(await revokeApiKey(platform.db, c.companyId, id)).toBe(true);
    await problem(await c.push(body), 401);
    expect(await c.appointments()).toHaveLength(0);
  });

  it('the push lands in the one customer master: the same person by e-mail in another notation is the existing customer', async () => {
    const c = await company();
    const [existing] = await platform.db('customers')
      .insert({ company_id: c.companyId, first_name: 'Marie', last_name: 'Janssens', email: 'marie.janssens@example.test', ...phoneColumns('+32 470 12 34 56') })
      .returning('id');
    const [pushed] = await results(
      await c.push({ external_id: plannerId(), starts_at: local(inDays(10)), customer: { first_name: 'Marie', last_name: 'Janssens', email: ' Marie.Janssens@EXAMPLE.test ' } }),
    );
    const [byPhone] = await results(await c.push({ external_id: plannerId(), starts_at: local(inDays(10)), customer: { last_name: 'Janssens', phone: '0470/12.34.56' } }));
    const rows = await c.appointments();
    expect(rows.map((r) => r.customer_id)).toEqual([existing.id, existing.id]);
    expect(rows.map((r) => r.id)).toEqual([pushed!.appointment_id, byPhone!.appointment_id]);
    expect(await platform.db('customers').where({ company_id: c.companyId })).toHaveLength(1);
  });

  it('an added appointment gets its D2 check-in workflow (the W1 reminder)', async () => {
    const c = await company();
    const start = inDays(10);
    const [added] = await results(await c.push({ external_id: plannerId(), starts_at: start.toISO(), customer: { email: uniqueEmail('checkin') } }));
    const handle = platform.temporal.workflow.getHandle(checkinWorkflowId(added!.appointment_id!));
    await waitUntil('the check-in workflow read the appointment', async () => (await handle.query(checkinStateQuery).catch(() => undefined))?.startsAt === start.toJSDate().toISOString());
    // the planner moves it: the workflow follows
    const moved = inDays(11);
    const [update] = await results(await c.push({ external_id: (await c.appointments())[0].external_id, starts_at: moved.toISO() }));
    expect(update!.outcome).toBe('updated');
    await waitUntil('the check-in workflow moved', async () => (await handle.query(checkinStateQuery)).startsAt === moved.toJSDate().toISOString());
    await handle.terminate('test over');
  });

  it('a check-in start lost after the commit is made good by the next push of the unchanged appointment', async () => {
    const c = await company();
    const appointment = { external_id: plannerId(), starts_at: inDays(10).toISO() };
    const id = (await results(await c.push(appointment)))[0]!.appointment_id!;
    const handle = platform.temporal.workflow.getHandle(checkinWorkflowId(id));
    await waitUntil('the check-in workflow runs', async () => (await handle.query(checkinStateQuery).catch(() => undefined))?.startsAt !== undefined);
    await handle.terminate('lost, as if the start had never happened');
    expect((await results(await c.push(appointment)))[0]!.outcome).toBe('unchanged');
    const again = platform.temporal.workflow.getHandle(checkinWorkflowId(id));
    await waitUntil('a check-in workflow runs again', async () => (await again.describe()).status.name === 'RUNNING');
    await again.terminate('test over');
  });

  it('a planner cancellation cancels an appointment still in New, its check-in hears it; never once the vehicle is in', async () => {
    const c = await company();
    const appointment = { external_id: plannerId(), starts_at: local(inDays(10)) };
    const id = (await results(await c.push(appointment)))[0]!.appointment_id!;
    const handle = platform.temporal.workflow.getHandle(checkinWorkflowId(id));
    await waitUntil('the check-in workflow runs', async () => (await handle.query(checkinStateQuery).catch(() => undefined))?.startsAt !== undefined);
    expect(await results(await c.push({ ...appointment, cancelled: true }))).toEqual([{ external_id: appointment.external_id, outcome: 'updated', appointment_id: id }]);
    expect((await platform.db('appointments').where({ id }).first()).status).toBe('cancelled');
    expect(await handle.result()).toBeDefined();
    expect(await results(await c.push(appointment))).toEqual([{ external_id: appointment.external_id, outcome: 'unchanged', appointment_id: id, reason: 'cancelled' }]);
  });

  describe('the OpenAPI document', () => {
    it('is served, parses, and is the one generated from the route\'s schemas', async () => {
      for (const address of ['/api/openapi.yaml', '/api/openapi.json']) {
        const response = await fetch(`${platform.baseUrl}${address}`);
        expect(response.status).toBe(200);
        const served = JSON.parse(await response.text());
        expect(served.openapi).toBe('3.1.0');
        expect(served).toEqual(openApiDocument());
      }
      expect(JSON.parse(await readFile(openApiFile, 'utf8')), 'web/api/openapi.json is stale: run npx tsx scripts/openapi.ts').toEqual(openApiDocument());
    });

    it('names the same required fields and properties as the zod schema the route validates with', async () => {
      const { components, paths } = JSON.parse(await readFile(openApiFile, 'utf8'));
      const appointment = components.schemas.Appointment;
      expect(appointment.required).toEqual(['external_id', 'starts_at']);
      const zodRequired = Object.entries(plannerAppointmentSchema.shape).filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success).map(([name]) => name);
      expect(appointment.required).toEqual(zodRequired);
      expect(Object.keys(appointment.properties)).toEqual(Object.keys(plannerAppointmentSchema.shape));
      expect(appointment.additionalProperties).toBe(false);
      expect(components.schemas.AppointmentBatch.properties.appointments.maxItems).toBe(500);
      expect(Object.keys(paths)).toEqual(['/api/v1/appointments']);
      expect(paths['/api/v1/appointments'].post.requestBody.content['application/json'].example).toEqual(pushExample);
    });

    it('its example is accepted by the route', async () => {
      const c = await company('gent');
      const example = JSON.parse(await readFile(openApiFile, 'utf8')).paths['/api/v1/appointments'].post.requestBody.content['application/json'].example;
      expect(plannerBatchSchema.safeParse(example).success).toBe(true);
      const answer = await results(await c.push(example));
      expect(answer.map((r) => r.outcome)).toEqual(['added', 'added']);
      const rows = await c.appointments();
      expect(rows[0]).toMatchObject({ work_description: 'Oil service, air-co check', first_name: 'Marie', email: 'marie.janssens@example.com' });
      expect(rows[0].ends_at.getTime() - rows[0].starts_at.getTime()).toBe(90 * 60_000);
      for (const row of rows) await platform.temporal.workflow.getHandle(checkinWorkflowId(row.id)).terminate('test over').catch(() => undefined);
    });
  });

  it('the API key page is for admins only', async () => {
    const { companyId } = await createLocation(platform.db);
    const advisor = await createStaff(platform.db, companyId, 'service_advisor');
    const desk = httpClient(platform.baseUrl);
    await desk.login(advisor.email, advisor.password);
    expect((await desk.page('/staff/settings/api-keys')).status).toBe(403);
    const anonymous = await fetch(`${platform.baseUrl}/staff/settings/api-keys`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
  });
});

describe('W2 planner push API: rate limit', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ API_RATE_LIMIT: '3' });
  });
  afterAll(() => platform?.close());

  it('a client over API_RATE_LIMIT requests a minute gets 429 with Retry-After, as a problem', async () => {
    const send = () => fetch(`${platform.baseUrl}/api/v1/appointments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
