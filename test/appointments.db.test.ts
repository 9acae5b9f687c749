import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addWalkInVehicleToMaster,
  createAppointmentFromLead,
  duplicateCandidates,
  findAppointment,
  findLeadForAppointment,
  LeadAlreadyDecidedError,
} from '../db/appointments';
import { phoneColumns } from '../db/customers';
import { createLocation, createStaff, insertLead } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

describe('M2/M7/M8: an appointment from a lead, against the customer and vehicle master (PostgreSQL)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  async function world() {
    const { companyId, location } = await createLocation(platform.db);
    await createStaff(platform.db, companyId, 'service_advisor');
    const staff = await platform.db('staff_users').where({ company_id: companyId }).first('id');
    const master = async (fields: Record<string, unknown>) =>
      (await platform.db('customers').insert({ company_id: companyId, first_name: 'X', last_name: 'Y', ...fields, ...phoneColumns(String(fields.phone ?? '')) }).returning('*'))[0];
    const vehicle = async (customerId: number, vin: string) =>
      (await platform.db('vehicles').insert({ company_id: companyId, customer_id: customerId, plate: '1-VIN-001', plate_normalized: '1VIN001', vin, make: 'Audi', model: 'A3' }).returning('*'))[0];
    const lead = async (fields: Record<string, unknown> = {}) => {
      const id = await insertLead(platform.db, companyId, location.id, { street: 'Veldstraat 10', postal_code: '9000', city: 'Gent', ...fields });
      return (await findLeadForAppointment(platform.db, companyId, id))!;
    };
    const input = { startsAt: new Date('2026-12-01T08:00:00Z'), endsAt: new Date('2026-12-01T09:00:00Z'), notes: '', staffId: staff.id as number };
    return { companyId, master, vehicle, lead, input };
  }

  it('finds duplicates by e-mail, phone in another notation, similar name and address, best first', async () => {
    const w = await world();
    const lead = await w.lead({ email: 'marie.j@example.test' });
    const byEmail = await w.master({ first_name: 'M.', last_name: 'Peeters', email: 'MARIE.J@example.test' });
    const byPhone = await w.master({ first_name: 'Jan', last_name: 'Claes', phone: '0470/12.34.56' });
    const byName = await w.master({ first_name: 'Maria', last_name: 'Janssen' });
    const byAddress = await w.master({ first_name: 'Piet', last_name: 'Smet', street: 'Veldstraat 10', postal_code: '9000' });
    await w.master({ first_name: 'Totally', last_name: 'Different', email: 'other@example.test' });
    const candidates = await duplicateCandidates(platform.db, w.companyId, lead, 10);
    expect(candidates.map((c) => c.id)).toEqual(expect.arrayContaining([byEmail.id, byPhone.id, byName.id, byAddress.id]));
    expect(candidates).toHaveLength(4);
    expect(candidates[0]!.id).toBe(byEmail.id);
    expect(candidates.find((c) => c.id === byPhone.id)!.reasons).toContain('phone');
    expect(candidates.find((c) => c.id === byName.id)!.reasons).toContain('name');
    expect(candidates.find((c) => c.id === byAddress.id)!.reasons).toContain('address');
  });

  it('M7 take lead data: the master customer, the lead\'s contact (blanks filled from the master), master unchanged', async () => {
    const w = await world();
    const customer = await w.master({ first_name: 'Marie', last_name: 'Janssen', email: 'old@example.test', phone: '+32 9 111 11 11' });
    const lead = await w.lead({ phone: '' });
    const created = await createAppointmentFromLead(platform.db, lead.id, { kind: 'lead_data', customerId: customer.id }, w.input);
    const appointment = (await findAppointment(platform.db, w.companyId, created.id))!;
    expect(appointment).toMatchObject({ customer_id: customer.id, last_name: 'Janssens', email: lead.email, phone: '+32 9 111 11 11' });
    expect(await platform.db('customers').where({ id: customer.id }).first()).toMatchObject({ last_name: 'Janssen', email: 'old@example.test' });
  });

  it('M7 take master data: the master customer with its own data', async () => {
    const w = await world();
    const customer = await w.master({ first_name: 'Marie', last_name: 'Janssen', email: 'master@example.test' });
    const lead = await w.lead();
    const created = await createAppointmentFromLead(platform.db, lead.id, { kind: 'master_data', customerId: customer.id }, w.input);
    expect(await findAppointment(platform.db, w.companyId, created.id)).toMatchObject({ customer_id: customer.id, last_name: 'Janssen', email: 'master@example.test' });
  });

  it('M7 new customer: a master customer with the next customer number, from the lead', async () => {
    const w = await world();
    await w.master({ customer_number: '10041' });
    const lead = await w.lead();
    const created = await createAppointmentFromLead(platform.db, lead.id, { kind: 'new_customer' }, w.input);
    const appointment = (await findAppointment(platform.db, w.companyId, created.id))!;
    const customer = await platform.db('customers').where({ id: appointment.customer_id }).first();
    expect(customer).toMatchObject({ customer_number: '10042', first_name: 'Marie', email: lead.email, street: 'Veldstraat 10', city: 'Gent' });
  });

  it('M7 cash-sale customer: one per company, the lead\'s contact on the appointment', async () => {
    const w = await world();
    const first = await createAppointmentFromLead(platform.db, (await w.lead()).id, { kind: 'cash_sale' }, w.input);
    const second = await createAppointmentFromLead(platform.db, (await w.lead()).id, { kind: 'cash_sale' }, w.input);
    const [a, b] = await Promise.all([findAppointment(platform.db, w.companyId, first.id), findAppointment(platform.db, w.companyId, second.id)]);
    expect(a!.customer_id).toBe(b!.customer_id);
    expect(a).toMatchObject({ is_cash_sale: true, first_name: 'Marie' });
    expect(await platform.db('customers').where({ company_id: w.companyId, is_cash_sale: true }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  it('M8: own vehicle used; someone else\'s used with a warning; unknown VIN makes a walk-in that can join the master', async () => {
    const w = await world();
    const owner = await w.master({ first_name: 'Marie', last_name: 'Janssens' });
    const other = await w.master({ first_name: 'Someone', last_name: 'Else' });
    const own = await w.vehicle(owner.id, 'WVWZZZ1JZXW000001');
    const foreign = await w.vehicle(other.id, 'WVWZZZ1JZXW000002');

    const mine = await createAppointmentFromLead(platform.db, (await w.lead({ vin: 'wvwzzz1jzxw000001' })).id, { kind: 'master_data', customerId: owner.id }, w.input);
    expect(mine.vehicle).toBe('own');
    expect(await findAppointment(platform.db, w.companyId, mine.id)).toMatchObject({ vehicle_id: own.id, vehicle_owner_warning: false, walk_in: false });

    const theirs = await createAppointmentFromLead(platform.db, (await w.lead({ vin: 'WVWZZZ1JZXW000002' })).id, { kind: 'master_data', customerId: owner.id }, w.input);
    expect(theirs.vehicle).toBe('other_owner');
    expect(await findAppointment(platform.db, w.companyId, theirs.id)).toMatchObject({ vehicle_id: foreign.id, vehicle_owner_warning: true });

    const unknown = await createAppointmentFromLead(
      platform.db,
      (await w.lead({ vin: 'WVWZZZ1JZXW000003', plate: '1-NEW-003', make: 'Seat', model: 'Ibiza' })).id,
      { kind: 'master_data', customerId: owner.id },
      w.input,
    );
    expect(unknown.vehicle).toBe('walk_in');
    expect(await findAppointment(platform.db, w.companyId, unknown.id)).toMatchObject({ vehicle_id: null, walk_in: true, plate: '1-NEW-003', vin: 'WVWZZZ1JZXW000003' });
    expect(await addWalkInVehicleToMaster(platform.db, w.companyId, unknown.id)).toBe(true);
    const joined = (await findAppointment(platform.db, w.companyId, unknown.id))!;
    expect(joined).toMatchObject({ walk_in: false, plate: '1-NEW-003', make: 'Seat' });
    expect(await platform.db('vehicles').where({ id: joined.vehicle_id! }).first()).toMatchObject({ customer_id: owner.id, vin: 'WVWZZZ1JZXW000003' });
  });

  it('two staff creating an appointment from one lead at once end with one appointment', async () => {
    const w = await world();
    const lead = await w.lead();
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => createAppointmentFromLead(platform.db, lead.id, { kind: 'cash_sale' }, w.input)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof LeadAlreadyDecidedError)).toBe(true);
    expect(await platform.db('appointments').where({ lead_id: lead.id }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });
});
