import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDamageFlowType,
  deleteDamageFlowType,
  listDamageFlowTypes,
  makeDefaultDamageFlowType,
} from '../db/damageFlowTypes';
import { createStaffJob, type StaffJobFields } from '../db/jobs';
import { createJob, createLocation, uniqueEmail } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

describe('damage flow types and staff-created jobs in PostgreSQL (D4, P4)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const defaults = async (companyId: number) => (await listDamageFlowTypes(platform.db, companyId)).filter((f) => f.is_default).map((f) => f.name);

  it('every new company starts with "Classic repair" as its one default; switching keeps exactly one, even when admins switch at once', async () => {
    const { companyId } = await createLocation(platform.db);
    expect(await defaults(companyId)).toEqual(['Classic repair']);
    const ids: number[] = [];
    for (const name of ['Express', 'Insurance', 'Glass']) {
      const created = await createDamageFlowType(platform.db, companyId, { name, daily_capacity: 3 });
      if (!created.ok) throw new Error(created.refusal);
      ids.push(created.id);
    }
    expect(await makeDefaultDamageFlowType(platform.db, companyId, ids[0]!)).toBe(true);
    expect(await defaults(companyId)).toEqual(['Express']);

    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(ids.map((id) => makeDefaultDamageFlowType(platform.db, companyId, id)));
      expect(results).toEqual([true, true, true]);
      expect(await defaults(companyId)).toHaveLength(1);
    }
    // Another company's flow type is not this company's to choose.
    const other = await createLocation(platform.db);
    expect(await makeDefaultDamageFlowType(platform.db, other.companyId, ids[0]!)).toBe(false);
    expect(await defaults(other.companyId)).toEqual(['Classic repair']);
  });

  it('refuses a second name in another case, deleting the default, and deleting a flow a job or booking uses', async () => {
    const { companyId, location } = await createLocation(platform.db);
    expect(await createDamageFlowType(platform.db, companyId, { name: 'classic REPAIR', daily_capacity: 1 })).toEqual({ ok: false, refusal: 'nameTaken' });
    const classic = (await listDamageFlowTypes(platform.db, companyId))[0]!;
    expect(await deleteDamageFlowType(platform.db, companyId, classic.id)).toEqual({ ok: false, refusal: 'isDefault' });

    const express = await createDamageFlowType(platform.db, companyId, { name: 'Express', daily_capacity: 2 });
    if (!express.ok) throw new Error(express.refusal);
    const job = await createJob(platform.db, location);
    await platform.db('jobs').where({ id: job.id }).update({ damage_flow_type_id: express.id });
    expect(await deleteDamageFlowType(platform.db, companyId, express.id)).toEqual({ ok: false, refusal: 'inUse' });

    await platform.db('jobs').where({ id: job.id }).update({ damage_flow_type_id: null });
    expect(await deleteDamageFlowType(platform.db, companyId, express.id)).toEqual({ ok: true, id: express.id });
    expect((await listDamageFlowTypes(platform.db, companyId)).map((f) => f.name)).toEqual(['Classic repair']);
  });

  it('a staff job reuses the customer with the same e-mail (any case) of the same company only, and the vehicle with the same plate', async () => {
    const { companyId, location } = await createLocation(platform.db);
    const other = await createLocation(platform.db);
    const email = uniqueEmail('reuse');
    const fields = (overrides: Partial<StaffJobFields['customer']> = {}, plate = '1-ABC-234'): StaffJobFields => ({
      customer: { first_name: 'An', last_name: 'Claes', email, phone: '+32 9 111 11 11', language: 'nl', ...overrides },
      vehicle: { plate, vin: '', make: 'Opel', model: '' },
      damage_flow_type_id: null,
      notes: '',
    });

    const first = await createStaffJob(platform.db, companyId, { ...fields(), location_id: location.id });
    const second = await createStaffJob(platform.db, companyId, {
      ...fields({ email: email.toUpperCase(), phone: '', first_name: 'Anne' }, '1abc234'),
      location_id: location.id,
    });
    const elsewhere = await createStaffJob(platform.db, other.companyId, { ...fields(), location_id: other.location.id });
    const rows = await platform.db('jobs').whereIn('id', [first.id, second.id, elsewhere.id]).orderBy('id');
    expect(rows[1].customer_id).toBe(rows[0].customer_id);
    expect(rows[1].vehicle_id).toBe(rows[0].vehicle_id);
    expect(rows[2].customer_id).not.toBe(rows[0].customer_id);
    expect(rows.map((r) => r.source)).toEqual(['staff', 'staff', 'staff']);
    expect(Number(second.job_number)).toBeGreaterThan(Number(first.job_number));
    // B2: a match fills blanks only; what the shop knows stays (a blank phone keeps the known one, a typed name does not replace it).
    expect(await platform.db('customers').where({ id: rows[0].customer_id }).first()).toMatchObject({ first_name: 'An', phone: '+32 9 111 11 11' });

    // Without an e-mail address the phone (any notation) still finds the customer; with neither nobody is matched.
    const byPhone = await createStaffJob(platform.db, companyId, { ...fields({ email: '', phone: '09/111.11.11' }), location_id: location.id });
    expect((await platform.db('jobs').where({ id: byPhone.id }).first()).customer_id).toBe(rows[0].customer_id);
    const walkIn = await createStaffJob(platform.db, companyId, { ...fields({ email: '', phone: '' }), location_id: location.id });
    expect((await platform.db('jobs').where({ id: walkIn.id }).first()).customer_id).not.toBe(rows[0].customer_id);

    // A location of another company is refused, and nothing is left behind.
    const customersBefore = await platform.db('customers').count({ n: '*' }).first();
    await expect(createStaffJob(platform.db, companyId, { ...fields({ email: uniqueEmail() }), location_id: other.location.id })).rejects.toThrow(/not one of company/);
    expect(await platform.db('customers').count({ n: '*' }).first()).toEqual(customersBefore);
  });
});
